// Table storage for Liaison, reached only with Microsoft Entra identities: shared keys (and so connection
// strings and SAS) are disabled, and the bot's managed identity gets "Storage Table Data Contributor".
// Liaison creates its tables itself at start.

@description('Storage account name: 3 to 24 lowercase letters and digits, unique across Azure.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the account.')
param tags object = {}

@description('Redundancy (SKU name), e.g. Standard_LRS.')
param sku string = 'Standard_LRS'

@description('Principal (object) id of the managed identity that reads and writes the tables.')
param principalId string

// Built-in role "Storage Table Data Contributor": read, write and delete tables and entities.
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: sku
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // App Service (Basic) reaches the account over its public endpoint; every request still needs an Entra token.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: principalId
    // Set explicitly so the assignment does not fail while a new identity is still replicating.
    principalType: 'ServicePrincipal'
  }
}

@description('The storage account name.')
output name string = account.name

@description('Table service endpoint, e.g. https://<account>.table.core.windows.net/.')
output tableEndpoint string = account.properties.primaryEndpoints.table
