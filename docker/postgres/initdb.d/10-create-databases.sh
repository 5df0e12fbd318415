# One database per name in POSTGRES_DATABASES (space-separated), e.g. one per service.
# Sourced by docker/postgres/entrypoint.sh, and by the standard postgres image's entrypoint
# when this folder is mounted at /docker-entrypoint-initdb.d.
for database in ${POSTGRES_DATABASES:-}; do
  psql -v ON_ERROR_STOP=1 -q --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -c "CREATE DATABASE \"$database\""
done
