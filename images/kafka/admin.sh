#!/bin/sh
# Runs a Kafka admin tool (kafka-acls.sh, kafka-configs.sh, kafka-broker-api-versions.sh...) against the compose
# broker as its super user: over INTERNAL with PLAIN when authentication is on, over CLIENT in PLAINTEXT otherwise.
# Usage: admin.sh TOOL ARGS...   (the tool gets --bootstrap-server and --command-config)
set -eu
tool=$1; shift
config=/tmp/kiff-admin.properties
umask 077
if [ -n "${KIFF_KAFKA_BROKER_PASSWORD:-}" ]; then
  cat >"$config" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="kiff-broker" password="$KIFF_KAFKA_BROKER_PASSWORD";
PROPS
  bootstrap=${KIFF_KAFKA_ADMIN_HOST:-kafka}:9094
else
  : >"$config"
  bootstrap=${KIFF_KAFKA_ADMIN_HOST:-kafka}:9092
fi
exec "/opt/kafka/bin/$tool" --bootstrap-server "$bootstrap" --command-config "$config" "$@"
