-- Run once by the postgres image on an empty data directory (compose.yaml mounts it into
-- /docker-entrypoint-initdb.d): the sandbox keeps its tables in a database of its own.
CREATE DATABASE collectdesk_sandbox;
