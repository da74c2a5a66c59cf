// Example parameters for bicep/main.bicep. Copy it, set the image, and deploy:
//   az deployment group create -g <resource-group> -f bicep/main.bicep -p bicep/main.bicepparam
// (azure/deploy.sh passes the same parameters on its command line instead.)
using 'main.bicep'

param image = 'myregistry.azurecr.io/orleanslog-silo:1.0.0'
param containerRegistryName = 'myregistry'
param storageRedundancy = 'Standard_ZRS'
param minReplicas = 1
param maxReplicas = 3
param siloCpu = '1.0'
param siloMemory = '2Gi'
param clusterId = 'orleanslog'
param serviceId = 'orleanslog'
param kafkaAdvertisedHost = 'replica'
