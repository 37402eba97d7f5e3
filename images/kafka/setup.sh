#!/bin/sh
# One-shot set-up of the compose broker when authentication is on (KIFF_KAFKA_BROKER_PASSWORD set): a SCRAM user for
# each Kiff service with the password its container is given, and each service's least ACLs (the table in docs/kafka.md).
# Without authentication it does nothing. Passwords: letters, digits, '-' and '_' (kafka-configs.sh splits on ',').
set -eu
[ -n "${KIFF_KAFKA_BROKER_PASSWORD:-}" ] || { echo "authentication off: nothing to set up"; exit 0; }
admin=/opt/kiff/admin.sh
for service in api worker scheduler; do
  password=$(eval "printf %s \"\${KIFF_KAFKA_$(echo $service | tr a-z A-Z)_PASSWORD:-}\"")
  [ -n "$password" ] || { echo "KIFF_KAFKA_$(echo $service | tr a-z A-Z)_PASSWORD is not set" >&2; exit 1; }
  # One mechanism per request: Kafka 4.1's kafka-configs.sh sends both of a single --add-config as one alteration
  # and the broker refuses it ("A user credential cannot be altered twice in the same request").
  for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
    $admin kafka-configs.sh --alter --entity-type users --entity-name "kiff-$service" \
      --add-config "$mechanism=[password=$password]"
  done
done
jobs="--topic kiff.jobs.code-exec --topic kiff.jobs.ml-agent --topic kiff.jobs.api-composition --topic kiff.jobs.data-processing"
acl() { $admin kafka-acls.sh --add --force "$@" >/dev/null; }
# API
acl --allow-principal User:kiff-api --operation Write $jobs \
  --topic kiff.control.cancellations --topic kiff.batches --topic kiff.results --topic kiff.jobs.dlq
acl --allow-principal User:kiff-api --operation Read --topic kiff.results --topic kiff.logs --topic kiff.batches
acl --allow-principal User:kiff-api --operation Read --group kiff-result-followers
acl --allow-principal User:kiff-api --operation Read --resource-pattern-type prefixed --group kiff-api-
acl --allow-principal User:kiff-api --operation Write --operation Describe \
  --resource-pattern-type prefixed --transactional-id kiff-api-
acl --allow-principal User:kiff-api --operation Describe --operation Create --resource-pattern-type prefixed --topic kiff.
acl --allow-principal User:kiff-api --operation Write --resource-pattern-type prefixed \
  --topic kiff.session-opens. --topic kiff.session-runs.
acl --allow-principal User:kiff-api --operation Write --operation Read --topic kiff.session-events
# Worker
acl --allow-principal User:kiff-worker --operation Read $jobs \
  --topic kiff.control.cancellations --topic kiff.control.targets --topic kiff.control.workers
acl --allow-principal User:kiff-worker --operation Read --group kiff-workers
acl --allow-principal User:kiff-worker --operation Write \
  --topic kiff.results --topic kiff.logs --topic kiff.jobs.dlq --topic kiff.control.workers
acl --allow-principal User:kiff-worker --operation Describe --resource-pattern-type prefixed --topic kiff.
# Sessions: the opens in group kiff-workers; each worker creates and reads its own kiff.session-runs.<worker id>
# (one user for every worker here, hence prefixed: give each worker its own topic's name where workers distrust
# each other); the moves it announces.
acl --allow-principal User:kiff-worker --operation Read --resource-pattern-type prefixed --topic kiff.session-opens.
acl --allow-principal User:kiff-worker --operation Create --operation Read --resource-pattern-type prefixed \
  --topic kiff.session-runs.
acl --allow-principal User:kiff-worker --operation Write --topic kiff.session-events
# Scheduler
acl --allow-principal User:kiff-scheduler --operation Describe --group kiff-workers
acl --allow-principal User:kiff-scheduler --operation Read --topic kiff.control.workers --topic kiff.control.leader
acl --allow-principal User:kiff-scheduler --operation Write --topic kiff.control.targets
acl --allow-principal User:kiff-scheduler --operation Read --group kiff-schedulers
acl --allow-principal User:kiff-scheduler --operation Describe --resource-pattern-type prefixed --topic kiff.
echo "SCRAM users kiff-api, kiff-worker, kiff-scheduler and their ACLs are in place"
