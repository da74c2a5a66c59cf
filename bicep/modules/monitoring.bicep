// The Log Analytics workspace the Container Apps environment sends container console and system logs to.

@description('Name of the Log Analytics workspace.')
param name string

@description('Azure region of the workspace.')
param location string

@description('Days logs are kept (30-730; up to 31 days carries no retention charge).')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Daily ingestion cap in GB, a guard against runaway log costs; -1 means no cap.')
param dailyQuotaGb int

@description('Tags applied to the workspace.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyQuotaGb
    }
  }
}

@description('Name of the workspace.')
output name string = workspace.name

@description('Resource id of the workspace.')
output id string = workspace.id
