// The App Service plan (Linux) and the web app that runs Liaison on Node 20 from the prebuilt zip.

@description('Web app name: unique across Azure, it becomes <name>.azurewebsites.net.')
@minLength(2)
@maxLength(60)
param name string

@description('App Service plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the plan and the app.')
param tags object = {}

@description('App Service plan size, e.g. B1, S1, P0v3.')
param skuName string = 'B1'

@description('Number of instances.')
@minValue(1)
param instanceCount int = 1

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('App settings: an array of { name, value } objects.')
param appSettings array

@description('Log Analytics workspace for console, HTTP and platform logs. Empty: no diagnostic setting.')
param logAnalyticsWorkspaceId string = ''

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No sticky sessions: every instance serves every request (state is in Table storage).
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/index.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      remoteDebuggingEnabled: false
      healthCheckPath: '/healthz'
      appSettings: appSettings
    }
  }
}

// Keep the container's console output on the file system for a few days, so `az webapp log tail` shows it.
resource logs 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: site
  name: 'logs'
  properties: {
    httpLogs: {
      fileSystem: {
        enabled: true
        retentionInMb: 35
        retentionInDays: 3
      }
    }
  }
}

// No FTP or Kudu user names and passwords: deployments authenticate with Microsoft Entra (az webapp deploy).
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(logAnalyticsWorkspaceId)) {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
      { category: 'AppServiceAuditLogs', enabled: true }
    ]
    metrics: [
      { category: 'AllMetrics', enabled: true }
    ]
  }
}

@description('The web app name.')
output name string = site.name

@description('The web app\'s default host name, e.g. app-liaison-xyz.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
