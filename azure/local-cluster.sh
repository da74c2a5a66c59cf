#!/usr/bin/env bash
# Runs a local OrleansLog cluster: Azurite plus N silo processes (default 3) with Azure Table clustering, each on its own
# ports. Clients use Azure Table clustering against the same Azurite (table OrleansLogSilos, cluster id 'orleanslog').
# Ctrl+C stops everything. Logs go to .orleanslog/cluster/silo<N>.log and azurite.log.
set -euo pipefail
# Job control puts every child in its own process group, so a terminal Ctrl+C reaches only this script, which then
# stops the silos before Azurite (Azurite would otherwise exit at once and leave the silos unable to deregister).
set -m
root=$(cd "$(dirname "$0")/.." && pwd)
silos=${SILOS:-3}
data=${ORLEANSLOG_CLUSTER_DATA:-$root/.orleanslog/cluster}
blob_port=${AZURITE_BLOB_PORT:-10000}
queue_port=${AZURITE_QUEUE_PORT:-10001}
table_port=${AZURITE_TABLE_PORT:-10002}

command -v node >/dev/null 2>&1 || { echo "local-cluster: Node.js 18+ is needed for Azurite (apt-get install nodejs npm)" >&2; exit 1; }
mkdir -p "$data/azurite"
if [ ! -x "$root/azure/node_modules/.bin/azurite" ]; then
  (cd "$root/azure" && npm ci --no-audit --no-fund)
fi

echo "local-cluster: building the silo"
dotnet build "$root/src/OrleansLog.Silo" -c Release -v quiet -nologo >/dev/null

azurite_pid=
silo_pids=()
# Silos first (they flush their partitions and leave the membership table, which needs Azurite), then Azurite.
cleanup() {
  trap - EXIT INT TERM
  echo "local-cluster: stopping"
  for pid in "${silo_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${silo_pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  [ -n "$azurite_pid" ] && kill -TERM "$azurite_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$root/azure/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose --disableProductStyleUrl --disableTelemetry \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" --location "$data/azurite" >"$data/azurite.log" 2>&1 &
azurite_pid=$!

# Azurite's well-known development account (the same for every Azurite install).
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$table_port") 2>/dev/null && break; sleep 0.2; done

for i in $(seq 0 $((silos - 1))); do
  OrleansLog__Storage__ConnectionString="$connection" \
  OrleansLog__Clustering__Provider=AzureTable \
  OrleansLog__Silo__AdvertisedIPAddress=127.0.0.1 \
  OrleansLog__Silo__SiloPort=$((11111 + i)) \
  OrleansLog__Silo__GatewayPort=$((30000 + i)) \
  OrleansLog__Silo__HealthPort=$((8080 + i)) \
  OrleansLog__Kafka__Port=$((9092 + i)) \
  OrleansLog__SchemaRegistry__Port=$((18081 + i)) \
    dotnet "$root/src/OrleansLog.Silo/bin/Release/net10.0/OrleansLog.Silo.dll" >"$data/silo$i.log" 2>&1 &
  silo_pids+=($!)
  echo "local-cluster: silo $i (pid $!): silo port $((11111 + i)), gateway $((30000 + i)), kafka 127.0.0.1:$((9092 + i)), schema registry http://127.0.0.1:$((18081 + i)), health http://127.0.0.1:$((8080 + i))/healthz/ready"
done

echo "local-cluster: storage connection string: $connection"
echo "local-cluster: running; Ctrl+C stops the cluster"
wait
