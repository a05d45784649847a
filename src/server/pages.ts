// The pages the Teams manifest links to (websiteUrl, privacyUrl, termsOfUseUrl): Teams shows these links
// on the app's details, and the admin center checks that they answer.

const STYLE = 'body{font-family:"Segoe UI",system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#242424}h1{font-size:1.5rem}';

function page(title: string, paragraphs: readonly string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`;
}

export const PAGES: Readonly<Record<'/' | '/privacy' | '/terms', string>> = {
  '/': page('Liaison', [
    'Liaison is a Microsoft Teams app that helps library technicians and their IT department work well together: it turns a problem or a need into a request in IT&#8217;s own terms, shows the priority and service level it carries, and keeps both sides informed.',
    'It runs in your organisation&#8217;s own Azure subscription. Ask your IT team about it.',
  ]),
  '/privacy': page('Liaison: privacy', [
    'Liaison runs in your organisation&#8217;s own Azure subscription, and everything it keeps stays in your organisation&#8217;s Azure Table storage: the requests people make (what they write, their names and Microsoft Entra object ids), their history, channel settings, and what Teams needs to send messages back (conversation references).',
    'Liaison sends nothing to anyone outside your organisation except through Microsoft Teams and the Bot Framework, which deliver its messages. Its logs hold ids to correlate events, never message text, e-mail addresses or tokens.',
    'Your organisation&#8217;s IT team operates Liaison and decides how long data is kept. Ask them to see or remove what is kept about you.',
  ]),
  '/terms': page('Liaison: terms of use', [
    'Liaison is provided to you by your organisation, for requests to its IT department. Use it as you would any other work tool: describe problems and needs honestly, and leave out passwords and patrons&#8217; personal details that IT does not need.',
    'The service levels Liaison shows are your IT department&#8217;s targets, not guarantees.',
  ]),
};
