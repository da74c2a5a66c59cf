// The Azure Container Apps environment (logs to Log Analytics) and the container app that runs the OrleansLog silos.
// Silos find each other through the membership table; each replica advertises its own container IP address (the silo
// picks its first non-loopback IPv4 address) with the silo port 11111 and the gateway port 30000. Every replica is also a
// Kafka broker on port 9092. The app's internal TCP ingress publishes the gateway, silo and Kafka ports inside the
// environment, load-balanced over the ready replicas, under the app's name and internal FQDN: Kafka clients bootstrap
// there, and Metadata then names each broker by what kafkaAdvertisedHost chooses.

@description('Name of the Container Apps managed environment.')
param environmentName string

@description('Name of the container app that runs the silos (2-32 lowercase letters, digits and hyphens).')
@minLength(2)
@maxLength(32)
param appName string

@description('Azure region of the environment and the app.')
param location string

@description('Name of the Log Analytics workspace (in this resource group) that receives the environment\'s logs.')
param logAnalyticsWorkspaceName string

@description('Resource id of an existing subnet (delegated to Microsoft.App/environments, /27 or larger) to place the environment in, making it internal to that virtual network; empty for a Container Apps-managed network.')
param infrastructureSubnetId string

@description('Silo container image.')
param image string

@description('Login server of the container registry the image is pulled from with the managed identity; empty for a public image.')
param registryServer string

@description('Resource id of the user-assigned managed identity the silos run as.')
param identityId string

@description('Client id of the user-assigned managed identity the silos run as.')
param identityClientId string

@description('CPU cores per silo replica (Consumption profile: 0.25 to 4 in steps of 0.25, with memory twice the cores in GiB).')
param cpu string

@description('Memory per silo replica, for example 2Gi.')
param memory string

@description('Fewest silo replicas. Keep at least 1: a silo cluster cannot scale to zero.')
param minReplicas int

@description('Most silo replicas.')
param maxReplicas int

@description('Average CPU utilization (percent of the requested cores) above which replicas are added, up to maxReplicas.')
param scaleCpuPercent int

@description('Blob service endpoint of the storage account.')
param blobEndpoint string

@description('Table service endpoint of the storage account.')
param tableEndpoint string

@description('Blob container for segments and grain state.')
param blobContainerName string

@description('Table that holds Orleans cluster membership.')
param membershipTableName string

@description('Orleans cluster id.')
param clusterId string

@description('Orleans service id.')
param serviceId string

@description('What each silo advertises to Kafka clients: "replica" its own container IP address (clients then talk to the broker that hosts a partition, as Orleans clients reach gateways; for clients inside the environment or its virtual network), "ingress" the app\'s internal FQDN (every broker behind the load balancer, for clients that reach only the ingress; any broker accepts any partition).')
@allowed([
  'replica'
  'ingress'
])
param kafkaAdvertisedHost string

@description('Tags applied to the environment and the app.')
param tags object

// The silo's fixed ports (its appsettings.json defaults, and Kafka's port).
var siloPort = 11111
var gatewayPort = 30000
var healthPort = 8080
var kafkaPort = 9092

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    // A workload-profiles environment with only the serverless Consumption profile: billed per use, no fixed fee.
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    vnetConfiguration: empty(infrastructureSubnetId)
      ? null
      : {
          infrastructureSubnetId: infrastructureSubnetId
          internal: true
        }
    zoneRedundant: false
  }
}

// Liveness and readiness differ: a silo that is starting, joining the cluster or draining on its way out is alive (not
// restarted) but not ready (no ingress traffic).
var liveProbe = {
  path: '/healthz/live'
  port: healthPort
  scheme: 'HTTP'
}

var readyProbe = {
  path: '/healthz/ready'
  port: healthPort
  scheme: 'HTTP'
}

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        // Internal TCP: reachable only from inside the environment (or its virtual network), never from the internet.
        external: false
        transport: 'tcp'
        targetPort: gatewayPort
        exposedPort: gatewayPort
        additionalPortMappings: [
          {
            external: false
            targetPort: siloPort
            exposedPort: siloPort
          }
          {
            // Kafka clients' bootstrap address: <app FQDN>:9092.
            external: false
            targetPort: kafkaPort
            exposedPort: kafkaPort
          }
        ]
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: empty(registryServer)
        ? []
        : [
            {
              server: registryServer
              identity: identityId
            }
          ]
    }
    template: {
      // Time for a graceful shutdown: the silo flushes partition tails and leaves the membership table.
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'silo'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: concat([
            {
              name: 'OrleansLog__Storage__BlobServiceUri'
              value: blobEndpoint
            }
            {
              name: 'OrleansLog__Storage__ManagedIdentityClientId'
              value: identityClientId
            }
            {
              name: 'OrleansLog__Storage__ContainerName'
              value: blobContainerName
            }
            {
              name: 'OrleansLog__Clustering__Provider'
              value: 'AzureTable'
            }
            {
              name: 'OrleansLog__Clustering__TableServiceUri'
              value: tableEndpoint
            }
            {
              name: 'OrleansLog__Clustering__ManagedIdentityClientId'
              value: identityClientId
            }
            {
              name: 'OrleansLog__Clustering__TableName'
              value: membershipTableName
            }
            {
              name: 'OrleansLog__Silo__ClusterId'
              value: clusterId
            }
            {
              name: 'OrleansLog__Silo__ServiceId'
              value: serviceId
            }
            {
              // Kafka clients come from other containers: listen on every interface (the image sets this too).
              name: 'OrleansLog__Kafka__ListenAddress'
              value: '0.0.0.0'
            }
            {
              name: 'OrleansLog__Kafka__Port'
              value: string(kafkaPort)
            }
            {
              // DefaultAzureCredential picks the user-assigned identity by this variable.
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
          ], kafkaAdvertisedHost == 'ingress' ? [
            {
              // Unset, a replica advertises its own address (the silo's advertised IP address).
              name: 'OrleansLog__Kafka__AdvertisedHost'
              value: '${appName}.internal.${environment.properties.defaultDomain}'
            }
          ] : [])
          probes: [
            {
              // Up to 10 x 10 s for the silo to start and join the cluster before liveness counts.
              type: 'Startup'
              httpGet: readyProbe
              initialDelaySeconds: 5
              periodSeconds: 10
              timeoutSeconds: 5
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: liveProbe
              periodSeconds: 15
              timeoutSeconds: 5
              failureThreshold: 4
            }
            {
              type: 'Readiness'
              httpGet: readyProbe
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        // Scale on CPU (a KEDA cpu rule): an Orleans client holds long-lived gateway connections, so neither HTTP
        // request counts nor TCP connection counts follow the load. Scale-in stops a replica gracefully; its
        // partitions reactivate on the remaining silos from blob storage.
        rules: [
          {
            name: 'cpu'
            custom: {
              type: 'cpu'
              metadata: {
                type: 'Utilization'
                value: string(scaleCpuPercent)
              }
            }
          }
        ]
      }
    }
  }
}

@description('Name of the container app.')
output appName string = app.name

@description('Internal FQDN of the container app (resolvable inside the environment and its virtual network).')
output appFqdn string = app.properties.configuration.ingress.fqdn

@description('Bootstrap address for Kafka clients inside the environment or its virtual network: the internal FQDN and the Kafka port.')
output kafkaBootstrapServers string = '${app.properties.configuration.ingress.fqdn}:${kafkaPort}'

@description('Default domain of the environment.')
output environmentDefaultDomain string = environment.properties.defaultDomain

@description('Static IP of the environment\'s ingress.')
output environmentStaticIp string = environment.properties.staticIp
