// OrleansLog on Azure: a storage account (segments, grain state, membership), a user-assigned managed identity with
// data-plane roles on it, Log Analytics, and an Azure Container Apps environment running the silos.
// Deploy with azure/deploy.sh (or `az deployment group create -g <rg> -f bicep/main.bicep -p bicep/main.bicepparam`).
targetScope = 'resourceGroup'

@description('Azure region for every resource; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Prefix of the resource names (lowercase letters, digits and hyphens; the container app is "<prefix>-silo").')
@minLength(2)
@maxLength(20)
param namePrefix string = 'orleanslog'

@description('Silo container image, for example myregistry.azurecr.io/orleanslog-silo:1.0.0 (built from src/OrleansLog.Silo/Dockerfile).')
param image string

@description('Name of an Azure Container Registry in this resource group to pull the image from with the managed identity (it is granted AcrPull); empty for a public image.')
param containerRegistryName string = ''

@description('Storage redundancy. Blob storage is OrleansLog\'s only replication of durable data: LRS keeps 3 copies in one datacenter, ZRS spreads them over 3 zones, GZRS adds an asynchronous copy in the paired region.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GZRS'
])
param storageRedundancy string = 'Standard_LRS'

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique); defaults to one derived from the resource group.')
@minLength(3)
@maxLength(24)
param storageAccountName string = 'olog${uniqueString(resourceGroup().id)}'

@description('Blob container for segments and grain state (the silo\'s OrleansLog:Storage:ContainerName).')
param blobContainerName string = 'orleanslog'

@description('Table for Orleans cluster membership (the silo\'s OrleansLog:Clustering:TableName).')
param membershipTableName string = 'OrleansLogSilos'

@description('Orleans cluster id: silos and clients with the same id form one cluster.')
param clusterId string = 'orleanslog'

@description('Orleans service id: keep it the same across deployments of one service.')
param serviceId string = 'orleanslog'

@description('Fewest silo replicas (at least 1: a silo cluster does not scale to zero).')
@minValue(1)
@maxValue(300)
param minReplicas int = 1

@description('Most silo replicas.')
@minValue(1)
@maxValue(300)
param maxReplicas int = 3

@description('Average CPU utilization (percent) of the silo replicas above which Container Apps adds a replica, up to maxReplicas.')
@minValue(10)
@maxValue(100)
param scaleCpuPercent int = 70

@description('CPU cores per silo replica, as a decimal string (Consumption profile: 0.25 to 4, memory = 2 GiB per core).')
@allowed([
  '0.5'
  '1.0'
  '2.0'
  '4.0'
])
param siloCpu string = '1.0'

@description('Memory per silo replica; must be twice the cores in GiB (0.5 -> 1Gi, 1.0 -> 2Gi, 2.0 -> 4Gi, 4.0 -> 8Gi).')
@allowed([
  '1Gi'
  '2Gi'
  '4Gi'
  '8Gi'
])
param siloMemory string = '2Gi'

@description('Resource id of an existing subnet (delegated to Microsoft.App/environments, /27 or larger) for an environment internal to your virtual network, so peered networks can reach the silos; empty for a Container Apps-managed network.')
param infrastructureSubnetId string = ''

@description('What each silo advertises to Kafka clients in Metadata: "replica" its own container IP address (clients reach the broker that hosts a partition; they must reach replica addresses, as Orleans clients do for gateways), "ingress" the app\'s internal FQDN, so clients that reach only the ingress work too (every broker then sits behind the load balancer; any broker accepts any partition).')
@allowed([
  'replica'
  'ingress'
])
param kafkaAdvertisedHost string = 'replica'

@description('Days the Log Analytics workspace keeps logs (30-730).')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Daily Log Analytics ingestion cap in GB; -1 for no cap.')
param logDailyQuotaGb int = -1

@description('Tags applied to every resource.')
param tags object = {
  application: 'orleanslog'
}

var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var logAnalyticsWorkspaceName = '${namePrefix}-logs'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: '${namePrefix}-silo-id'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    skuName: storageRedundancy
    blobContainerName: blobContainerName
    membershipTableName: membershipTableName
    principalId: identity.properties.principalId
    identityId: identity.id
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: logAnalyticsWorkspaceName
    location: location
    retentionInDays: logRetentionInDays
    dailyQuotaGb: logDailyQuotaGb
    tags: tags
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = if (!empty(containerRegistryName)) {
  name: empty(containerRegistryName) ? 'unused' : containerRegistryName
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(containerRegistryName)) {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module containerApps 'modules/container-apps.bicep' = {
  name: 'container-apps'
  dependsOn: [
    monitoring
    registryPull
  ]
  params: {
    environmentName: '${namePrefix}-env'
    appName: '${namePrefix}-silo'
    location: location
    logAnalyticsWorkspaceName: logAnalyticsWorkspaceName
    infrastructureSubnetId: infrastructureSubnetId
    image: image
    registryServer: empty(containerRegistryName) ? '' : registry!.properties.loginServer
    identityId: identity.id
    identityClientId: identity.properties.clientId
    cpu: siloCpu
    memory: siloMemory
    minReplicas: minReplicas
    maxReplicas: max(minReplicas, maxReplicas)
    scaleCpuPercent: scaleCpuPercent
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    blobContainerName: storage.outputs.blobContainerName
    membershipTableName: storage.outputs.membershipTableName
    clusterId: clusterId
    serviceId: serviceId
    kafkaAdvertisedHost: kafkaAdvertisedHost
    tags: tags
  }
}

@description('Blob service endpoint (OrleansLog:Storage:BlobServiceUri).')
output blobEndpoint string = storage.outputs.blobEndpoint

@description('Table service endpoint holding the membership table (OrleansLog:Clustering:TableServiceUri); clients read gateways from it.')
output tableEndpoint string = storage.outputs.tableEndpoint

@description('Name of the storage account.')
output storageAccountName string = storage.outputs.name

@description('Name of the membership table.')
output membershipTableName string = storage.outputs.membershipTableName

@description('Name of the silo container app.')
output containerAppName string = containerApps.outputs.appName

@description('Internal FQDN of the silo container app: gateway port 30000, silo port 11111 and Kafka port 9092, reachable inside the environment.')
output containerAppFqdn string = containerApps.outputs.appFqdn

@description('Bootstrap address for Kafka clients inside the environment or its virtual network (every silo is a broker on port 9092).')
output kafkaBootstrapServers string = containerApps.outputs.kafkaBootstrapServers

@description('Client id of the silos\' managed identity (AZURE_CLIENT_ID).')
output identityClientId string = identity.properties.clientId

@description('Resource id of the silos\' managed identity, to attach to client apps in the same environment.')
output identityId string = identity.id

@description('Orleans cluster id.')
output clusterId string = clusterId

@description('Orleans service id.')
output serviceId string = serviceId

@description('Default domain of the Container Apps environment.')
output environmentDefaultDomain string = containerApps.outputs.environmentDefaultDomain
