#!/bin/sh
# The broker of docker-compose.yml. With KIFF_KAFKA_BROKER_PASSWORD set (authentication on, see sasl.env) it writes
# the broker's JAAS file first: clients log in with SCRAM on CLIENT; the broker's own traffic (INTERNAL, CONTROLLER)
# uses PLAIN as kiff-broker, its only super user. The file, not KAFKA_* variables, because the image drops variable
# values that contain '='.
set -eu
if [ -n "${KIFF_KAFKA_BROKER_PASSWORD:-}" ]; then
  jaas=/tmp/kiff-broker-jaas.conf
  umask 077
  cat >"$jaas" <<JAAS
controller.KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  username="kiff-broker" password="$KIFF_KAFKA_BROKER_PASSWORD" user_kiff-broker="$KIFF_KAFKA_BROKER_PASSWORD";
};
internal.KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  username="kiff-broker" password="$KIFF_KAFKA_BROKER_PASSWORD" user_kiff-broker="$KIFF_KAFKA_BROKER_PASSWORD";
};
client.KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
JAAS
  export KAFKA_OPTS="${KAFKA_OPTS:-} -Djava.security.auth.login.config=$jaas"
fi
exec /etc/kafka/docker/run
