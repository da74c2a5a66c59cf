#!/usr/bin/env bash
# Deploys OrleansLog to Azure with bicep/main.bicep: creates (or updates) the resource group, deploys the template into
# it, and prints the deployment's outputs. Needs the Azure CLI, signed in (`az login`) to the target subscription.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: azure/deploy.sh -g RESOURCE_GROUP -i IMAGE [options]

Required (flag or environment variable):
  -g, --resource-group NAME   resource group to create or update                  (ORLEANSLOG_RESOURCE_GROUP)
  -i, --image IMAGE           silo image, e.g. myregistry.azurecr.io/orleanslog-silo:1.0.0  (ORLEANSLOG_IMAGE)

Options:
  -l, --location REGION       Azure region, e.g. westeurope (default: eastus)     (ORLEANSLOG_LOCATION)
  -r, --redundancy SKU        Standard_LRS | Standard_ZRS | Standard_GZRS (default: Standard_LRS)
                                                                                  (ORLEANSLOG_REDUNDANCY)
      --registry NAME         Azure Container Registry in the same resource group to pull the image from
                              with the silos' managed identity (granted AcrPull)  (ORLEANSLOG_REGISTRY)
      --min-replicas N        fewest silos (default: 1)                           (ORLEANSLOG_MIN_REPLICAS)
      --max-replicas N        most silos (default: 3)                             (ORLEANSLOG_MAX_REPLICAS)
  -n, --name NAME             deployment name (default: orleanslog)
  -h, --help                  show this help

Any further arguments after -- are passed to `az deployment group create` as is, for example
  -- --parameters clusterId=prod siloCpu=2.0 siloMemory=4Gi
USAGE
}

resource_group=${ORLEANSLOG_RESOURCE_GROUP:-}
image=${ORLEANSLOG_IMAGE:-}
location=${ORLEANSLOG_LOCATION:-eastus}
redundancy=${ORLEANSLOG_REDUNDANCY:-Standard_LRS}
registry=${ORLEANSLOG_REGISTRY:-}
min_replicas=${ORLEANSLOG_MIN_REPLICAS:-1}
max_replicas=${ORLEANSLOG_MAX_REPLICAS:-3}
deployment_name=orleanslog
extra=()

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then
    echo "deploy.sh: $1 needs a value" >&2
    usage >&2
    exit 2
  fi
}

while [ $# -gt 0 ]; do
  case "$1" in
    -g|--resource-group) need_value "$@"; resource_group=$2; shift 2 ;;
    -i|--image) need_value "$@"; image=$2; shift 2 ;;
    -l|--location) need_value "$@"; location=$2; shift 2 ;;
    -r|--redundancy) need_value "$@"; redundancy=$2; shift 2 ;;
    --registry) need_value "$@"; registry=$2; shift 2 ;;
    --min-replicas) need_value "$@"; min_replicas=$2; shift 2 ;;
    --max-replicas) need_value "$@"; max_replicas=$2; shift 2 ;;
    -n|--name) need_value "$@"; deployment_name=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "deploy.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

if [ -z "$resource_group" ] || [ -z "$image" ]; then
  echo "deploy.sh: a resource group (-g) and an image (-i) are required" >&2
  usage >&2
  exit 2
fi
case "$redundancy" in
  Standard_LRS|Standard_ZRS|Standard_GZRS) ;;
  *) echo "deploy.sh: redundancy must be Standard_LRS, Standard_ZRS or Standard_GZRS, not '$redundancy'" >&2; exit 2 ;;
esac
if ! [[ "$min_replicas" =~ ^[1-9][0-9]*$ && "$max_replicas" =~ ^[1-9][0-9]*$ ]] || [ "$max_replicas" -lt "$min_replicas" ]; then
  echo "deploy.sh: replicas must be whole numbers with 1 <= min ($min_replicas) <= max ($max_replicas)" >&2
  exit 2
fi

if ! command -v az >/dev/null 2>&1; then
  echo "deploy.sh: the Azure CLI ('az') is not installed or not on PATH." >&2
  echo "           Install it (see Microsoft's 'Install the Azure CLI' page), run 'az login', then try again." >&2
  exit 1
fi
if ! az account show --output none 2>/dev/null; then
  echo "deploy.sh: the Azure CLI is not signed in: run 'az login' (and 'az account set -s <subscription>')" >&2
  exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
template="$root/bicep/main.bicep"

echo "deploy.sh: subscription $(az account show --query name --output tsv)"
echo "deploy.sh: resource group $resource_group in $location"
az group create --name "$resource_group" --location "$location" --output none

parameters=(
  location="$location"
  image="$image"
  storageRedundancy="$redundancy"
  minReplicas="$min_replicas"
  maxReplicas="$max_replicas"
)
if [ -n "$registry" ]; then
  parameters+=(containerRegistryName="$registry")
fi

echo "deploy.sh: deploying $template (image $image, $redundancy, replicas $min_replicas..$max_replicas)"
az deployment group create \
  --name "$deployment_name" \
  --resource-group "$resource_group" \
  --template-file "$template" \
  --parameters "${parameters[@]}" \
  ${extra[@]+"${extra[@]}"} \
  --output none

echo "deploy.sh: outputs"
az deployment group show \
  --name "$deployment_name" \
  --resource-group "$resource_group" \
  --query "{blobEndpoint: properties.outputs.blobEndpoint.value, tableEndpoint: properties.outputs.tableEndpoint.value, \
membershipTable: properties.outputs.membershipTableName.value, containerAppName: properties.outputs.containerAppName.value, \
containerAppFqdn: properties.outputs.containerAppFqdn.value, kafkaBootstrapServers: properties.outputs.kafkaBootstrapServers.value, identityClientId: properties.outputs.identityClientId.value, \
identityId: properties.outputs.identityId.value, clusterId: properties.outputs.clusterId.value, \
serviceId: properties.outputs.serviceId.value}" \
  --output yaml
