#!/bin/sh
# The entrypoint of deja's image. `docker run IMAGE plan` runs `deja plan`; a shell or a program given by its path runs
# as is: a CI runner starts its job script so (GitLab's passes `sh -c …`), and `docker run -it IMAGE sh` gives a shell.
set -e
# GitLab's docker:dind service with TLS (DOCKER_TLS_CERTDIR set, its client certificates shared with the job), as
# docker:*-cli's entrypoint finds it, when no daemon is named or mounted. Nothing is looked up: a name lookup where
# there is no DNS can take seconds.
if [ -z "${DOCKER_HOST:-}" ] && [ ! -S /var/run/docker.sock ] && [ -n "${DOCKER_TLS_CERTDIR:-}" ]; then
  certs=$DOCKER_TLS_CERTDIR/client
  if [ -s "$certs/ca.pem" ] && [ -s "$certs/cert.pem" ] && [ -s "$certs/key.pem" ]; then
    export DOCKER_HOST=tcp://docker:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$certs"
  fi
fi
case ${1:-} in
  sh | bash | /*) exec "$@" ;;
  *) exec /opt/deja/bin/deja "$@" ;;
esac
