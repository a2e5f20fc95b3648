#!/usr/bin/env bash
# The project's test command (README); CI runs exactly this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export TORCH_CPP_LOG_LEVEL="${TORCH_CPP_LOG_LEVEL:-ERROR}"
exec mvn -B test "$@"
