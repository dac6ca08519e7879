#!/usr/bin/env bash
# The project's test command (README): builds in Release with warnings as errors and runs every test project.
# Extra arguments go to the test platform, e.g. --results-directory DIR or --filter "TestCategory!=Slow".
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Entropy.MLNet.sln -c Release
dotnet test --solution Entropy.MLNet.sln -c Release --no-build -- --report-trx "$@"
