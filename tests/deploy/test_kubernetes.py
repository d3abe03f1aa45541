"""deploy/k8s against the Kubernetes schemas (strict, offline: kubernetes-validate) and the
shape the process set needs: probes, hardening, selectors, the worker, migration and CronJobs."""

from __future__ import annotations

import pytest
import yaml

from backoffice.jobs.registry import PERIODIC
from tests.deploy import files
from tests.deploy.files import APP_IMAGE, app_container

# Kubernetes versions the manifests are checked against: the oldest still kept and the newest
# the validator knows.
K8S_VERSIONS = ["1.30.0", "1.37.0"]


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_manifests_match_the_kubernetes_schemas(version):
    import kubernetes_validate

    docs = files.manifests()
    assert len(docs) >= 10
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_schema_check_catches_a_misspelt_field():
    import kubernetes_validate

    doc = files.manifest("Deployment", "collect-desk-app")
    doc["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, K8S_VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest_and_names_the_image():
    kustomization = files.kustomization()
    assert sorted(kustomization["resources"]) == sorted(p.name for p in files.manifest_files())
    assert [image["name"] for image in kustomization["images"]] == [APP_IMAGE]
    for name, pod in files.pod_specs().items():
        assert [c["image"] for c in pod["containers"]] == [APP_IMAGE], name


def test_app_deployment_probes_resources_and_storage():
    deployment = files.manifest("Deployment", "collect-desk-app")
    pod = deployment["spec"]["template"]["spec"]
    container = app_container()
    assert deployment["spec"]["replicas"] >= 2
    assert container.get("command") is None  # the image's gunicorn
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    allowed = files.manifest("ConfigMap", "collect-desk-config")["data"]["DJANGO_ALLOWED_HOSTS"]
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        headers = {h["name"]: h["value"] for h in container[kind]["httpGet"]["httpHeaders"]}
        assert headers["Host"] in allowed.split(","), kind
        assert headers["X-Forwarded-Proto"] == "https", kind
    port = files.read_dockerfile().final.env()["GUNICORN_BIND"].rsplit(":", 1)[1]
    assert container["ports"] == [{"name": "http", "containerPort": int(port)}]
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert "memory" in container["resources"]["limits"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    metrics_dir = files.read_dockerfile().final.env()["PROMETHEUS_MULTIPROC_DIR"]
    for path in ("/tmp", metrics_dir):  # noqa: S108
        assert "emptyDir" in volumes[mounts[path]], path
    # Room for gunicorn's graceful stop after the preStop pause.
    graceful = _load_graceful_timeout()
    pause = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert pod["terminationGracePeriodSeconds"] > graceful + pause


def _load_graceful_timeout() -> int:
    import runpy

    return runpy.run_path(str(files.GUNICORN_CONF))["graceful_timeout"]


def test_every_pod_runs_hardened():
    for name, pod in files.pod_specs().items():
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == int(
            files.read_dockerfile().final.all("USER")[-1].split(":")[0]
        ), name
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "/tmp" in {m["mountPath"] for m in container["volumeMounts"]}, name  # noqa: S108
            refs = {next(iter(ref)): ref[next(iter(ref))]["name"] for ref in container["envFrom"]}
            assert refs == {"configMapRef": "collect-desk-config",
                            "secretRef": "collect-desk-secrets"}, name
            # A read-only image path would break prometheus_client's files outside the app.
            if name != "Deployment/collect-desk-app":
                env = {e["name"]: e["value"] for e in container.get("env", [])}
                assert env.get("PROMETHEUS_MULTIPROC_DIR") == "", name


def test_services_and_budgets_select_the_app_pods_only():
    app = files.manifest("Deployment", "collect-desk-app")
    worker = files.manifest("Deployment", "collect-desk-worker")
    app_labels = app["spec"]["template"]["metadata"]["labels"]
    worker_labels = worker["spec"]["template"]["metadata"]["labels"]

    def selects(selector: dict, labels: dict) -> bool:
        return all(labels.get(k) == v for k, v in selector.items())

    service = files.manifest("Service", "collect-desk-app")["spec"]["selector"]
    budget = files.manifest("PodDisruptionBudget", "collect-desk-app")["spec"]["selector"]
    for selector in (service, budget["matchLabels"], app["spec"]["selector"]["matchLabels"]):
        assert selects(selector, app_labels) and not selects(selector, worker_labels)
    ingress = files.manifest("Ingress", "collect-desk")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "collect-desk-app"


def test_worker_migration_and_periodic_jobs():
    worker = files.manifest("Deployment", "collect-desk-worker")["spec"]["template"]["spec"]
    assert worker["containers"][0]["command"] == ["python", "manage.py", "db_worker"]
    job = files.manifest("Job", "collect-desk-migrate")["spec"]["template"]["spec"]
    assert job["containers"][0]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    cron = {
        doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"][3]: doc
        for doc in files.manifests() if doc["kind"] == "CronJob"
    }
    # Every job the schedule runs has its CronJob (the registry's periodic jobs).
    assert set(cron) == set(PERIODIC)
    for name, doc in cron.items():
        _minute, _hour, day, month, weekday = doc["spec"]["schedule"].split()
        assert (month, weekday) == ("*", "*"), name
        assert (day != "*") == (name == "audit_archive"), name  # monthly; the others daily
        assert doc["spec"]["concurrencyPolicy"] == "Forbid"
        assert doc["spec"]["timeZone"] == "Europe/Stockholm"


def test_secret_template_holds_placeholders_only():
    secret = files.manifest("Secret", "collect-desk-secrets")
    assert "data" not in secret
    for name, value in secret["stringData"].items():
        assert "replace-me" in value, name
    config = files.manifest("ConfigMap", "collect-desk-config")["data"]
    assert not [n for n in config if files.SECRET_NAME.search(n)]
    assert "DATABASE_URL" not in config and "CACHE_URL" not in config  # passwords go there


def test_manifest_yaml_files_parse_one_resource_each_but_the_cronjobs():
    for path in files.manifest_files():
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
        assert len(docs) == (len(PERIODIC) if path.name == "cronjobs.yaml" else 1), path.name
