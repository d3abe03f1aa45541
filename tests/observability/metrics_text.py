"""Reading a /metrics answer in tests."""

from prometheus_client.parser import text_string_to_metric_families


class Scrape:
    def __init__(self, text: str):
        self.text = text
        self.samples = [
            (sample.name, sample.labels, sample.value)
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples of `name` whose labels include `labels` (0 if none)."""
        return sum(
            value for sample, have, value in self.samples
            if sample == name and labels.items() <= have.items()
        )

    def has(self, name: str, **labels: str) -> bool:
        return any(sample == name and labels.items() <= have.items()
                   for sample, have, _ in self.samples)


def scrape(client, **extra) -> Scrape:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return Scrape(response.content.decode())
