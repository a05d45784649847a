// Liaison in one resource group: the bot's user-assigned managed identity, Table storage reached with that
// identity (no keys), a Linux App Service on Node 20 running the prebuilt zip (`npm run bundle`), the Azure
// Bot with its Microsoft Teams channel, and (optionally) Application Insights on a Log Analytics workspace.
//
//   az deployment group create --resource-group <rg> --template-file deploy/main.bicep \
//     --parameters @deploy/main.parameters.json
//
// Written for Bicep 0.34 or later (Azure CLI 2.70 or later). README.md, "Deploying to Azure", is the guide.
targetScope = 'resourceGroup'

@description('Azure region for everything except the Azure Bot, which is global. Defaults to the resource group\'s region.')
param location string = resourceGroup().location

@description('Short name the resource names are built from: 3 to 20 lowercase letters, digits or hyphens. Names that must be unique across Azure (web app, bot, storage) get a suffix derived from the resource group.')
@minLength(3)
@maxLength(20)
param baseName string = 'liaison'

@description('App Service plan size (Linux). B1 (Basic) is enough for one library service; S1 or P0v3 and above add autoscale and deployment slots.')
@allowed(['B1', 'B2', 'B3', 'S1', 'S2', 'S3', 'P0v3', 'P1v3', 'P2v3', 'P3v3'])
param appServicePlanSku string = 'B1'

@description('Number of App Service instances. Several are safe: all state is in Table storage and every change is guarded by its entity\'s etag. Basic allows up to 3, Standard up to 10.')
@minValue(1)
@maxValue(30)
param instanceCount int = 1

@description('Name Teams shows for the bot in the Azure Bot resource (the Teams app name comes from appPackage/manifest.json).')
@maxLength(42)
param botDisplayName string = 'Liaison'

@description('Azure Bot pricing tier. The Microsoft Teams channel is a standard channel, free on F0.')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Liaison log level (LOG_LEVEL). Logs are JSON lines on stdout, kept by App Service and, with monitoring on, in Log Analytics.')
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
param logLevel string = 'info'

@description('Comma-separated tenant ids (GUIDs) whose Teams activities Liaison serves (LIAISON_ALLOWED_TENANTS). Defaults to the tenant of this deployment. At least one is required: an organisation\'s own deployment never serves every tenant.')
@minLength(36)
param allowedTenants string = tenant().tenantId

@description('Comma-separated Microsoft Entra object ids (GUIDs) of Liaison admins, who may register channels with setup (LIAISON_ADMINS). Empty: any member of a team may set up that team\'s channels.')
param admins string = ''

@description('IANA time zone of the library, e.g. Europe/London or Australia/Perth (LIAISON_TIME_ZONE). It sets opening hours and due times, so set it to the library\'s zone: UTC is rarely right.')
param timeZone string = 'UTC'

@description('Policy file inside the app zip (LIAISON_POLICY_FILE). Empty: the built-in defaults. Set to policy.json when the zip was built with `npm run bundle -- --policy <file>`; Liaison refuses to start if the file is missing.')
param policyFile string = ''

@description('Create a Log Analytics workspace and Application Insights, wire them to the web app and send its console and HTTP logs there.')
param enableMonitoring bool = true

@description('Days Log Analytics keeps logs (monitoring only). 30 to 730; the first 31 days are included in the ingestion price.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Storage account redundancy. Standard_LRS keeps three copies in one datacentre; Standard_ZRS spreads them over zones where the region has them.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Standard_RAGRS', 'Standard_RAGZRS'])
param storageSku string = 'Standard_LRS'

@description('Tags put on every resource.')
param tags object = {
  application: 'liaison'
}

// Stable across redeployments of the same resource group, so a second run updates rather than duplicates.
var suffix = uniqueString(resourceGroup().id, baseName)
var identityName = 'id-${baseName}'
var planName = 'asp-${baseName}'
var webAppName = 'app-${baseName}-${suffix}'
var botName = 'bot-${baseName}-${suffix}'
// Storage account names: 3 to 24 lowercase letters and digits, unique across Azure.
var storageAccountName = '${take('st${replace(toLower(baseName), '-', '')}', 11)}${suffix}'
var workspaceName = 'log-${baseName}'
var appInsightsName = 'appi-${baseName}'

// The bot's identity: the Azure Bot's app id, the web app's identity for the Bot Connector and for Table storage.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: '${deployment().name}-storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    sku: storageSku
    principalId: identity.properties.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = if (enableMonitoring) {
  name: '${deployment().name}-monitoring'
  params: {
    workspaceName: workspaceName
    appInsightsName: appInsightsName
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

// App settings, named exactly as src/config.ts reads them (CONFIG_VARIABLES). One setting per line:
// test/deploy/bicep.test.ts reads these lines and runs Liaison's configuration loader on them.
// An empty value means "not set" to Liaison. PORT is set by App Service itself.
var liaisonSettings = [
  { name: 'NODE_ENV', value: 'production' }
  { name: 'LOG_LEVEL', value: logLevel }
  { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
  { name: 'MicrosoftAppId', value: identity.properties.clientId }
  { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
  { name: 'LIAISON_TABLES_ENDPOINT', value: storage.outputs.tableEndpoint }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'LIAISON_ALLOWED_TENANTS', value: allowedTenants }
  { name: 'LIAISON_ADMINS', value: admins }
  { name: 'LIAISON_TIME_ZONE', value: timeZone }
  { name: 'LIAISON_POLICY_FILE', value: policyFile }
]

// App Service: run the deployed zip as a read-only mount (atomic; roll back = deploy the previous zip),
// and never build on the server (the zip already holds dist/ and production node_modules).
var platformSettings = [
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
  { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
]

var monitoringSettings = enableMonitoring ? [
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: monitoring!.outputs.connectionString }
  { name: 'ApplicationInsightsAgent_EXTENSION_VERSION', value: '~3' }
] : []

module webApp 'modules/webapp.bicep' = {
  name: '${deployment().name}-webapp'
  params: {
    name: webAppName
    planName: planName
    location: location
    tags: tags
    skuName: appServicePlanSku
    instanceCount: instanceCount
    identityId: identity.id
    appSettings: concat(liaisonSettings, platformSettings, monitoringSettings)
    logAnalyticsWorkspaceId: enableMonitoring ? monitoring!.outputs.workspaceId : ''
  }
}

module bot 'modules/bot.bicep' = {
  name: '${deployment().name}-bot'
  params: {
    name: botName
    displayName: botDisplayName
    sku: botSku
    tags: tags
    hostName: webApp.outputs.defaultHostName
    identityId: identity.id
    identityClientId: identity.properties.clientId
    tenantId: tenant().tenantId
  }
}

@description('The web app to deploy the zip to: az webapp deploy --name <this>.')
output webAppName string = webApp.outputs.name

@description('Host name the bot is served from: BOT_DOMAIN for npm run package.')
output botDomain string = webApp.outputs.defaultHostName

@description('The Azure Bot messaging endpoint.')
output messagingEndpoint string = bot.outputs.endpoint

@description('Client id of the bot\'s managed identity: MicrosoftAppId for npm run package (and the Teams app id unless TEAMS_APP_ID is set).')
output microsoftAppId string = identity.properties.clientId

@description('Tenant of the bot identity.')
output tenantId string = tenant().tenantId

@description('The Azure Bot resource.')
output botName string = bot.outputs.name

@description('The managed identity the bot and the web app use.')
output identityName string = identity.name

@description('The storage account holding Liaison\'s tables.')
output storageAccountName string = storage.outputs.name

@description('Table endpoint Liaison uses (LIAISON_TABLES_ENDPOINT).')
output tableEndpoint string = storage.outputs.tableEndpoint

@description('Application Insights resource, empty when monitoring is off.')
output appInsightsName string = enableMonitoring ? monitoring!.outputs.appInsightsName : ''
