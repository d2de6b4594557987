#!/bin/sh
# `avloc` in the images (/usr/local/bin/avloc): the repository's ./avloc launcher without its build
# step. The heap follows the container's memory limit unless AVLOC_JAVA_OPTS says otherwise.
set -e
# libtorch's OpenMP workers otherwise spin while idle.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# shellcheck disable=SC2086
exec java ${AVLOC_JAVA_OPTS:--XX:MaxRAMPercentage=75} -Dai.djl.offline=true -jar /opt/avloc/avloc.jar "$@"
