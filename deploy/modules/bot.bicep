// The Azure Bot registration for Liaison, authenticated as a user-assigned managed identity
// (new multi-tenant bot registrations are deprecated), with the Microsoft Teams channel.

@description('Azure Bot resource name (the bot handle): unique across Azure, 2 to 64 characters.')
@minLength(2)
@maxLength(64)
param name string

@description('Display name of the bot.')
@maxLength(42)
param displayName string

@description('Pricing tier, F0 or S1.')
param sku string = 'F0'

@description('Tags for the bot.')
param tags object = {}

@description('Host name of the web app, without https://; the messaging endpoint is https://<hostName>/api/messages.')
param hostName string

@description('Resource id of the user-assigned managed identity that is the bot\'s identity.')
param identityId string

@description('Client id of that identity: the bot\'s Microsoft app id.')
param identityClientId string

@description('Tenant of that identity.')
param tenantId string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: 'https://${hostName}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityId
    msaAppTenantId: tenantId
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

@description('The Azure Bot resource name.')
output name string = bot.name

@description('The messaging endpoint registered with the Bot Framework.')
output endpoint string = bot.properties.endpoint
