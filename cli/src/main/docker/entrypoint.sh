#!/bin/sh
# The entrypoint of deja's image. `docker run IMAGE plan` runs `deja plan`; a shell or a program given by its path runs
# as is: a CI runner starts its job script so (GitLab's passes `sh -c …`), and `docker run -it IMAGE sh` gives a shell.
set -e
# A Docker daemon, as docker:*-cli's entrypoint finds one: the mounted socket, else GitLab's docker:dind service
# (with the client certificates it writes when DOCKER_TLS_CERTDIR is set).
if [ -z "${DOCKER_HOST:-}" ] && [ ! -S /var/run/docker.sock ]; then
  certs=${DOCKER_TLS_CERTDIR:-}/client
  if [ -n "${DOCKER_TLS_CERTDIR:-}" ] && [ -s "$certs/ca.pem" ] && [ -s "$certs/cert.pem" ] && [ -s "$certs/key.pem" ]; then
    export DOCKER_HOST=tcp://docker:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$certs"
  elif getent hosts docker >/dev/null 2>&1; then
    export DOCKER_HOST=tcp://docker:2375
  fi
fi
case ${1:-} in
  sh | bash | /*) exec "$@" ;;
  *) exec /opt/deja/bin/deja "$@" ;;
esac
