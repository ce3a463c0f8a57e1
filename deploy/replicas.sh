#!/usr/bin/env bash
# Start N replicas of the app on ports 8501.. on this machine (behind deploy/nginx.conf).
#   deploy/replicas.sh 3
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
make warm
for i in $(seq 0 $((n - 1))); do
  port=$((8501 + i))
  nohup .venv/bin/streamlit run app.py --server.address 127.0.0.1 --server.port "$port" \
    --server.headless true > "replica-$port.log" 2>&1 &
  echo "replica on 127.0.0.1:$port (log: replica-$port.log)"
done
