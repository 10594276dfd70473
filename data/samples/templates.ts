// Text templates for the synthetic demo team ("Brightdesk", a help-desk SaaS with four AI features).
// Inputs and outputs are assembled from pools with slots so that 18,000 requests read like real traffic
// without repeating verbatim. Poor-quality outputs are written to be recognisably poor to a reviewer
// (wrong facts, wrong language, truncation, evasions), because the review queue is meant to surface them.
import type { Rng } from './prng';

/** Input/output languages the generator emits (ISO 639-1). */
export type Lang = 'en' | 'de' | 'fr' | 'es';
/** Latent output quality; drives thumbs, CSAT and tickets. Never written to the files. */
export type Quality = 'good' | 'poor';

/** What every text builder needs about the request being generated. */
export interface TextContext {
  rng: Rng;
  lang: Lang;
  /** Customer plan shown in text: "Free", "Pro" or "Enterprise". */
  plan: string;
  quality: Quality;
}

/** An input/output pair for one request. */
export interface TextPair {
  input: string;
  output: string;
}

const INTEGRATIONS = ['Slack', 'Salesforce', 'HubSpot', 'Zapier', 'Jira', 'Microsoft Teams', 'Shopify', 'Intercom'];
const BROWSERS = ['Chrome 131', 'Firefox 133', 'Safari 18.1', 'Edge 131', 'Chrome 130 on Android', 'Safari on iPad'];
const FIRST_NAMES = ['Anna', 'Ben', 'Chloe', 'David', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lukas', 'Maya', 'Noah', 'Olga', 'Priya', 'Quentin', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Victor', 'Wen', 'Yusuf', 'Zoe'];
const LAST_NAMES = ['Schmidt', 'Okafor', 'Martin', 'Nguyen', 'Garcia', 'Rossi', 'Kowalski', 'Tanaka', 'Dubois', 'Hansen', 'Silva', 'Novak', 'Murphy', 'Cohen', 'Larsen', 'Patel', 'Fischer', 'Moreau', 'Lopez', 'Berg'];
const COMPANIES = ['Northwind Traders', 'Contoso Logistics', 'Fabrikam Health', 'Tailspin Toys', 'Wide World Importers', 'Litware Labs', 'Adatum Finance', 'Proseware', 'Fourth Coffee', 'Woodgrove Bank', 'Lamna Healthcare', 'Alpine Ski House'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const MONTHS = ['September', 'October', 'November', 'December'];

/** A random first name from the shared pool. */
export function firstName(rng: Rng): string {
  return rng.pick(FIRST_NAMES);
}
/** A random last name from the shared pool. */
export function lastName(rng: Rng): string {
  return rng.pick(LAST_NAMES);
}
/** A random customer company name. */
export function companyName(rng: Rng): string {
  return rng.pick(COMPANIES);
}

/**
 * Replaces `{slot}` markers with values. Known slots draw from the pools above; `extra` overrides them.
 * Unknown slots are left as-is so a typo shows up in the generated text instead of vanishing.
 */
export function fill(rng: Rng, template: string, extra: Record<string, string> = {}): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const given = extra[name];
    if (given !== undefined) return given;
    switch (name) {
      case 'integration': return rng.pick(INTEGRATIONS);
      case 'browser': return rng.pick(BROWSERS);
      case 'order': return `INV-2026-${String(rng.int(10000, 99999))}`;
      case 'ticket': return `#${String(rng.int(38000, 41999))}`;
      case 'seats': return String(rng.pick([3, 5, 8, 10, 12, 25, 40, 60, 150]));
      case 'days': return String(rng.pick([7, 14, 30, 60, 90]));
      case 'n': return String(rng.int(2, 9));
      case 'amount': return `${String(rng.int(19, 2400))}.${String(rng.int(0, 99)).padStart(2, '0')}`;
      case 'weekday': return rng.pick(WEEKDAYS);
      case 'date': return `${rng.pick(MONTHS)} ${String(rng.int(1, 28))}`;
      case 'name': return rng.pick(FIRST_NAMES);
      case 'fullname': return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
      case 'company': return rng.pick(COMPANIES);
      case 'email': return `${rng.pick(FIRST_NAMES).toLowerCase()}.${rng.pick(LAST_NAMES).toLowerCase()}@${rng.pick(['northwind', 'contoso', 'fabrikam', 'litware', 'adatum'])}.example`;
      case 'code': return rng.pick(['ERR_SYNC_409', 'E_TOKEN_EXPIRED', 'HTTP 500', 'WEBHOOK_TIMEOUT', 'SAML_AUDIENCE_MISMATCH', 'E_QUOTA_EXCEEDED']);
      case 'pct': return String(rng.int(5, 60));
      default: return whole;
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// support-chat

interface SupportTopic {
  id: string;
  questions: string[];
  intro: string[];
  steps: string[][];
  outro: string[];
  wrong: string[];
  /** Translated first message and good answer; topics without them are English-only. */
  i18n?: Partial<Record<Exclude<Lang, 'en'>, { q: string[]; a: string[] }>>;
}

const SUPPORT_TOPICS: SupportTopic[] = [
  {
    id: 'password-reset',
    questions: [
      "I can't log in, the password reset email never arrives. I checked spam. My login is {email}.",
      'how do i reset my password? the link in the email says expired',
      'Password reset link gives "token invalid" on {browser}. Tried 3 times today.',
    ],
    intro: ['Sorry about the trouble signing in. Reset links expire after 30 minutes and only the newest one works.', 'Let\'s get you back in. The reset link is single-use and valid for 30 minutes.'],
    steps: [
      ['Open the sign-in page and click **Forgot password**.', 'Enter your work email and submit once (each new request invalidates the previous link).', 'Open the newest email from no-reply@brightdesk.example within 30 minutes.', 'If nothing arrives after 5 minutes, ask your admin to check that brightdesk.example is allow-listed.'],
      ['Clear cookies for brightdesk.example or use a private window.', 'Request a new link from **Forgot password**.', 'Use the link in the most recent email only.'],
    ],
    outro: ['If it still fails, reply here with the time you requested the link and I will check the mail logs.', 'Let me know if that works!'],
    wrong: ['You can reset your password from **Settings > Security > Reset password** without signing in.', 'Password reset links are valid for 7 days, so any of the emails you received should work.'],
    i18n: {
      de: { q: ['Ich kann mich nicht anmelden, die E-Mail zum Zurücksetzen des Passworts kommt nie an. Spam habe ich geprüft.', 'Wie setze ich mein Passwort zurück? Der Link sagt „abgelaufen".'], a: ['Das tut mir leid. Links zum Zurücksetzen sind 30 Minuten gültig und nur der neueste funktioniert.\n\n1. Klicken Sie auf der Anmeldeseite auf **Passwort vergessen**.\n2. Geben Sie Ihre E-Mail-Adresse ein und senden Sie nur einmal ab.\n3. Öffnen Sie die neueste E-Mail innerhalb von 30 Minuten.\n\nWenn nichts ankommt, bitten Sie Ihre IT, brightdesk.example freizugeben.'] },
      fr: { q: ["Je n'arrive pas à me connecter, l'e-mail de réinitialisation du mot de passe n'arrive jamais.", 'Comment réinitialiser mon mot de passe ? Le lien indique « expiré ».'], a: ["Désolé pour ce problème. Les liens de réinitialisation expirent après 30 minutes et seul le plus récent fonctionne.\n\n1. Cliquez sur **Mot de passe oublié** sur la page de connexion.\n2. Saisissez votre adresse e-mail et validez une seule fois.\n3. Ouvrez l'e-mail le plus récent dans les 30 minutes.\n\nSi rien n'arrive, demandez à votre administrateur d'autoriser brightdesk.example."] },
      es: { q: ['No puedo iniciar sesión, el correo para restablecer la contraseña nunca llega.', '¿Cómo restablezco mi contraseña? El enlace dice que ha caducado.'], a: ['Lamento el problema. Los enlaces de restablecimiento caducan a los 30 minutos y solo funciona el más reciente.\n\n1. Haga clic en **Olvidé mi contraseña** en la página de inicio de sesión.\n2. Introduzca su correo y envíe una sola vez.\n3. Abra el correo más reciente antes de 30 minutos.\n\nSi no llega nada, pida a su administrador que permita brightdesk.example.'] },
    },
  },
  {
    id: 'refund',
    questions: [
      'I was charged twice for invoice {order}, can I get a refund?',
      'We downgraded from {plan} last week but were billed the full amount (${amount}). Refund please.',
      'What is your refund policy? We cancelled on {date}.',
    ],
    intro: ['I can help with that. Refunds for duplicate or post-cancellation charges are issued within 30 days of the charge.', 'Thanks for flagging this. Duplicate charges are refunded automatically once confirmed by billing.'],
    steps: [
      ['Go to **Settings > Billing > Invoices** and note the invoice numbers of both charges.', 'Click **Request refund** next to the duplicate charge.', 'The refund appears on your card statement within 5-10 business days.'],
      ['Open **Billing > Invoices**.', 'Select the invoice and choose **Report a problem > Charged incorrectly**.', 'Our billing team confirms within 2 business days.'],
    ],
    outro: ['Anything else I can help with?', 'You will receive an email confirmation once the refund is processed.'],
    wrong: ['Unfortunately all charges are final and we do not issue refunds under any circumstances.', 'Refunds are available within 90 days and are paid out as account credit only, never to the card.'],
    i18n: {
      de: { q: ['Mir wurde die Rechnung {order} doppelt berechnet. Kann ich eine Erstattung bekommen?', 'Wir haben am {date} gekündigt, wurden aber trotzdem belastet.'], a: ['Gerne helfe ich. Doppelte Belastungen werden innerhalb von 30 Tagen erstattet.\n\n1. Öffnen Sie **Einstellungen > Abrechnung > Rechnungen**.\n2. Klicken Sie neben der doppelten Belastung auf **Erstattung anfordern**.\n3. Die Gutschrift erscheint in 5-10 Werktagen auf Ihrer Karte.'] },
      fr: { q: ["La facture {order} m'a été prélevée deux fois, puis-je être remboursé ?", 'Nous avons résilié le {date} mais avons quand même été débités.'], a: ['Je peux vous aider. Les prélèvements en double sont remboursés sous 30 jours.\n\n1. Ouvrez **Paramètres > Facturation > Factures**.\n2. Cliquez sur **Demander un remboursement** à côté du prélèvement en double.\n3. Le remboursement apparaît sous 5 à 10 jours ouvrés.'] },
      es: { q: ['Me cobraron dos veces la factura {order}, ¿pueden reembolsarme?', 'Cancelamos el {date} pero nos siguieron cobrando.'], a: ['Con gusto le ayudo. Los cargos duplicados se reembolsan en un plazo de 30 días.\n\n1. Abra **Configuración > Facturación > Facturas**.\n2. Pulse **Solicitar reembolso** junto al cargo duplicado.\n3. El reembolso aparece en 5-10 días hábiles.'] },
    },
  },
  {
    id: 'api-key',
    questions: [
      'How do I rotate our API key without downtime? We have {n} services using it.',
      'Our API key leaked in a public repo, what do I do right now??',
      'API calls return 401 since this morning, key starts with bd_live_. Did something change?',
    ],
    intro: ['You can have two active API keys at once, which makes rotation safe.', 'Here is the safest way to handle this.'],
    steps: [
      ['Go to **Settings > Developers > API keys** and click **Create key**.', 'Deploy the new key to all services.', 'Watch **Last used** on the old key; once it stops updating, click **Revoke**.'],
      ['Revoke the exposed key immediately under **Settings > Developers > API keys**.', 'Create a new key and update your services.', 'Review **Audit log > API** for calls you do not recognise.'],
    ],
    outro: ['Keys are shown only once, so store the new one in your secret manager.', 'Let me know if you see unexpected calls in the audit log.'],
    wrong: ['API keys cannot be rotated; you need to contact sales to get a new one.', 'Just edit the key value in Settings and save; existing services will pick it up automatically.'],
  },
  {
    id: 'export',
    questions: [
      'How can I export all tickets from {date} to CSV? The export button only gives me 1000 rows.',
      'Need a full data export for our audit, incl. attachments. Possible on the {plan} plan?',
      'export to excel breaks umlauts, everything shows as Ã¼',
    ],
    intro: ['The in-app export is limited to 1,000 rows; larger exports run as a background job.', 'Full exports are available on every plan.'],
    steps: [
      ['Open **Reports > Exports** and click **New export**.', 'Choose the date range and the **CSV (UTF-8)** format.', 'You will get an email with a download link when the job finishes (usually under 10 minutes).'],
      ['In Excel, use **Data > From Text/CSV** instead of double-clicking the file.', 'Select **65001: Unicode (UTF-8)** as the file origin.', 'Click **Load**.'],
    ],
    outro: ['Download links are valid for {days} days.', 'Attachments are exported as a separate ZIP file.'],
    wrong: ['Exports are only available on the Enterprise plan.', 'CSV exports are always limited to 1,000 rows; please export month by month.'],
    i18n: {
      de: { q: ['Wie exportiere ich alle Tickets seit dem {date} als CSV? Der Export liefert nur 1000 Zeilen.'], a: ['Der Export in der App ist auf 1.000 Zeilen begrenzt; größere Exporte laufen als Hintergrundjob.\n\n1. Öffnen Sie **Berichte > Exporte** und klicken Sie auf **Neuer Export**.\n2. Wählen Sie den Zeitraum und das Format **CSV (UTF-8)**.\n3. Sie erhalten eine E-Mail mit dem Download-Link.'] },
      fr: { q: ["Comment exporter tous les tickets depuis le {date} en CSV ? L'export ne donne que 1000 lignes."], a: ["L'export dans l'application est limité à 1 000 lignes ; les exports plus volumineux s'exécutent en arrière-plan.\n\n1. Ouvrez **Rapports > Exports** et cliquez sur **Nouvel export**.\n2. Choisissez la période et le format **CSV (UTF-8)**.\n3. Vous recevrez un e-mail avec le lien de téléchargement."] },
      es: { q: ['¿Cómo exporto todos los tickets desde el {date} a CSV? La exportación solo da 1000 filas.'], a: ['La exportación en la aplicación está limitada a 1.000 filas; las más grandes se ejecutan en segundo plano.\n\n1. Abra **Informes > Exportaciones** y pulse **Nueva exportación**.\n2. Elija el periodo y el formato **CSV (UTF-8)**.\n3. Recibirá un correo con el enlace de descarga.'] },
    },
  },
  {
    id: 'sso',
    questions: [
      'Setting up SAML SSO with Okta, getting {code} after login.',
      'Can we enforce SSO for all {seats} seats and disable password login?',
      'Azure AD SSO worked yesterday, today users get redirected in a loop',
    ],
    intro: ['SSO is available on Pro and Enterprise.', 'That error usually means the identity provider and Brightdesk disagree on one setting.'],
    steps: [
      ['In Okta, check that the **Audience URI** is exactly `https://app.brightdesk.example/saml/metadata`.', 'Make sure the NameID format is **EmailAddress**.', 'Re-download the IdP metadata and upload it under **Settings > Security > SSO**.'],
      ['Go to **Settings > Security > SSO** and switch **Require SSO** on.', 'Keep at least one admin with a password as break-glass account.', 'Users without an IdP account will lose access at their next login.'],
    ],
    outro: ['The SSO debug log under **Settings > Security > SSO > Logs** shows the last 50 assertions.', 'Happy to look at a SAML trace if it still fails.'],
    wrong: ['SSO only supports Google Workspace at the moment.', 'Delete and recreate all users after enabling SSO.'],
  },
  {
    id: 'webhook',
    questions: [
      'Our webhook to {integration} stopped firing on {weekday}. Endpoint returns 200 when I test it manually.',
      'webhooks arrive 10-15 minutes late, is there an incident?',
      'Getting {code} in the webhook delivery log, what does it mean?',
    ],
    intro: ['Webhooks are retried with backoff for 24 hours when the endpoint is slow or failing.', 'Let\'s look at the delivery log first.'],
    steps: [
      ['Open **Settings > Integrations > Webhooks** and select the endpoint.', 'Check **Recent deliveries**: a red status means your endpoint took longer than 10 s or returned a non-2xx code.', 'Click **Redeliver** on failed events once the endpoint is healthy.'],
      ['Make sure the endpoint answers within 10 seconds; do the heavy work asynchronously.', 'Verify the signing secret if you validate the `X-Brightdesk-Signature` header.', 'Re-enable the endpoint if it was auto-disabled after 100 consecutive failures.'],
    ],
    outro: ['Our status page shows no incidents for webhooks right now.', 'Deliveries are kept for {days} days in the log.'],
    wrong: ['Webhooks are sent once only and never retried.', 'This is a known bug in {integration}; there is nothing you can do on your side.'],
  },
  {
    id: 'seats',
    questions: [
      'How do I add {n} more seats to our {plan} subscription?',
      'Invited a colleague but she never got the invite email',
      'Can I move a seat from a user who left to a new hire without paying twice?',
    ],
    intro: ['Seats can be managed by any workspace admin.', 'Sure, here is how seats work.'],
    steps: [
      ['Go to **Settings > Members** and click **Invite**.', 'Enter the email addresses; extra seats are added to your next invoice pro rata.', 'Invites expire after 7 days and can be resent from the same page.'],
      ['Deactivate the departed user under **Settings > Members**.', 'Their seat becomes free immediately.', 'Invite the new hire; no extra charge applies.'],
    ],
    outro: ['You can see your seat count under **Billing > Plan**.', 'Let me know if the invite still does not arrive.'],
    wrong: ['Seats can only be changed once per year at renewal.', 'Each seat change requires a signed order form from sales.'],
    i18n: {
      de: { q: ['Wie füge ich {n} weitere Lizenzen zu unserem {plan}-Abo hinzu?'], a: ['Lizenzen kann jede Workspace-Administratorin verwalten.\n\n1. Gehen Sie zu **Einstellungen > Mitglieder** und klicken Sie auf **Einladen**.\n2. Zusätzliche Lizenzen werden anteilig auf der nächsten Rechnung berechnet.\n3. Einladungen laufen nach 7 Tagen ab.'] },
      fr: { q: ['Comment ajouter {n} licences à notre abonnement {plan} ?'], a: ["Tout administrateur de l'espace peut gérer les licences.\n\n1. Allez dans **Paramètres > Membres** et cliquez sur **Inviter**.\n2. Les licences supplémentaires sont facturées au prorata.\n3. Les invitations expirent après 7 jours."] },
      es: { q: ['¿Cómo añado {n} licencias más a nuestra suscripción {plan}?'], a: ['Cualquier administrador del espacio puede gestionar licencias.\n\n1. Vaya a **Configuración > Miembros** y pulse **Invitar**.\n2. Las licencias adicionales se cobran de forma prorrateada.\n3. Las invitaciones caducan a los 7 días.'] },
    },
  },
  {
    id: 'two-factor',
    questions: [
      'Lost my phone, can\'t do 2FA. How do I get into my account?',
      'Is it possible to use a hardware key (YubiKey) for two-factor?',
    ],
    intro: ['Two-factor protects your account, so recovery needs one extra step.', 'Yes, and it is the most secure option.'],
    steps: [
      ['Use one of the 10 recovery codes you saved when enabling 2FA.', 'If you have none, ask a workspace admin to reset 2FA for you under **Settings > Members**.', 'Set up 2FA again on your new phone.'],
      ['Go to **Profile > Security > Two-factor**.', 'Click **Add security key** and touch the key when prompted.', 'Keep an authenticator app as a backup method.'],
    ],
    outro: ['For security reasons support cannot disable 2FA over chat.', 'Security keys work in all major browsers.'],
    wrong: ['Just reply with your date of birth and I will disable 2FA for you.', 'Hardware keys are not supported.'],
  },
];

const SUPPORT_OPENERS = ['', '', 'Hi, ', 'Hello! ', 'hey ', 'Good morning, ', 'Hi team, ', 'Quick question: '];
const SUPPORT_CLOSERS = ['', '', '', ' Thanks!', ' Thanks in advance.', ' This is urgent, our team is blocked.', ' Any help appreciated 🙏', ' Cheers'];
/** Follow-up messages with the answer a good assistant gives to each. */
const SUPPORT_FOLLOWUPS: [string, string][] = [
  ["That didn't work, I still get the same error.", 'Understood. Could you send me a screenshot of the page you see? Please remove any personal data first.'],
  ['ok thanks. and where do I find that setting on mobile?', 'On mobile, open the menu (☰) in the top left and choose **Settings**; the same options are there.'],
  ['Thanks! Does this also apply to the {plan} plan?', 'Yes, this works the same way on the {plan} plan.'],
  ["I don't see that menu. I'm on {browser}.", 'That menu is only visible to workspace admins. Could you check your role under **Profile > Workspace**?'],
  ['Can you escalate this to a human please?', 'Of course. I have created ticket {ticket} for our support team; they usually reply within 4 business hours.'],
  ['Worked, thank you!', 'Glad that worked! Is there anything else I can help you with?'],
  ['How long does that usually take?', 'It usually takes less than 10 minutes. You will get an email when it is done.'],
  ['And is there an API for this?', 'Yes: see `GET /v2/exports` and `POST /v2/exports` in the API reference at https://developers.brightdesk.example.'],
];
const FOLLOWUPS_I18N: Record<Exclude<Lang, 'en'>, [string, string][]> = {
  de: [['Das hat nicht funktioniert, der Fehler bleibt.', 'Verstanden. Können Sie mir einen Screenshot der Seite schicken?'], ['Danke! Gilt das auch für den {plan}-Tarif?', 'Ja, das funktioniert im {plan}-Tarif genauso.'], ['Wie lange dauert das ungefähr?', 'Das dauert in der Regel weniger als 10 Minuten.']],
  fr: [["Ça n'a pas marché, j'ai toujours la même erreur.", "Compris. Pouvez-vous m'envoyer une capture d'écran de la page ?"], ['Merci ! Est-ce valable aussi pour le forfait {plan} ?', 'Oui, cela fonctionne de la même façon avec le forfait {plan}.'], ['Combien de temps cela prend-il ?', 'Cela prend généralement moins de 10 minutes.']],
  es: [['No funcionó, sigo teniendo el mismo error.', '¿Puede enviarme una captura de pantalla de la página?'], ['¡Gracias! ¿Esto vale también para el plan {plan}?', 'Sí, funciona igual en el plan {plan}.'], ['¿Cuánto tarda normalmente?', 'Normalmente tarda menos de 10 minutos.']],
};
const POOR_GENERIC = [
  "I'm sorry, I don't have information about that. Please check our help centre.",
  'Could you clarify your question?',
  'As an AI assistant I cannot access your account. Please contact support.',
];

/** Picks a support-chat topic for a new conversation; non-English sessions get a translated topic. */
export function pickSupportTopic(rng: Rng, lang: Lang): SupportTopic {
  const pool = lang === 'en' ? SUPPORT_TOPICS : SUPPORT_TOPICS.filter((t) => t.i18n?.[lang] !== undefined);
  return rng.pick(pool);
}

export type { SupportTopic };

/**
 * One support-chat turn. Turn 0 is the customer's opening message, later turns are follow-ups.
 * A poor non-English answer is the English answer (the language mismatch reviewers saw in the drift week)
 * or a generic evasion; a poor English answer states wrong policy.
 */
export function supportTurn(ctx: TextContext, topic: SupportTopic, turn: number): TextPair {
  const { rng, lang } = ctx;
  // Translated templates get numeric dates: "am December 9" would give the language away.
  const extra: Record<string, string> = lang === 'en' ? { plan: ctx.plan } : { plan: ctx.plan, date: `2026-${String(rng.int(9, 11))}-${String(rng.int(10, 28))}` };
  if (turn > 0) {
    const [q, a] = rng.pick(lang === 'en' ? SUPPORT_FOLLOWUPS : FOLLOWUPS_I18N[lang]);
    const input = fill(rng, q, extra);
    // A poor follow-up answer is off-topic: the answer to a different question, or an evasion.
    const output = ctx.quality === 'good' ? fill(rng, a, extra) : rng.chance(0.5) ? fill(rng, rng.pick(SUPPORT_FOLLOWUPS)[1], extra) : rng.pick(POOR_GENERIC);
    return { input, output };
  }
  if (lang !== 'en') {
    const tr = topic.i18n?.[lang];
    if (tr) {
      const input = fill(rng, rng.pick(tr.q), extra);
      if (ctx.quality === 'good') return { input, output: fill(rng, rng.pick(tr.a), extra) };
      const output = rng.chance(0.75) ? englishAnswer(ctx, topic, extra) : "I'm sorry, I can only answer questions in English.";
      return { input, output };
    }
  }
  const input = `${rng.pick(SUPPORT_OPENERS)}${fill(rng, rng.pick(topic.questions), extra)}${rng.pick(SUPPORT_CLOSERS)}`;
  if (ctx.quality === 'poor') {
    const output = rng.chance(0.7) ? fill(rng, rng.pick(topic.wrong), extra) : rng.pick(POOR_GENERIC);
    return { input, output };
  }
  return { input, output: englishAnswer(ctx, topic, extra) };
}

function englishAnswer(ctx: TextContext, topic: SupportTopic, extra: Record<string, string>): string {
  const { rng } = ctx;
  const steps = rng.pick(topic.steps).map((s, i) => `${String(i + 1)}. ${s}`).join('\n');
  return fill(rng, `${rng.pick(topic.intro)}\n\n${steps}\n\n${rng.pick(topic.outro)}`, extra);
}

const DRIFT_CONTEXT_LINES = [
  'page: /{lang}/billing/invoices',
  'page: /{lang}/account/security',
  'page: /{lang}/integrations/{integration_slug}',
  'plan: {plan}',
  'last invoice: {order}',
  'browser: {browser}',
  'workspace: {company} ({seats} seats)',
  'last error: {code}',
  'previous ticket: {ticket}',
  'article: "Managing your subscription"',
  'article: "Troubleshooting sign-in"',
];

/**
 * The context lines the help-centre widget started attaching to every support-chat message in the
 * drift week (page, plan, browser, last invoice...); they make inputs about 80% longer.
 * @param targetChars append lines until the block is at least this long (characters); at least one line
 */
export function driftContextBlock(rng: Rng, lang: Lang, plan: string, targetChars: number): string {
  // Each kind of line at most once per message, as the widget would send it.
  const lines = rng.shuffled(DRIFT_CONTEXT_LINES);
  let block = '\n';
  let i = 0;
  do {
    block += `\n${fill(rng, lines[i % lines.length] as string, { lang, plan, integration_slug: rng.pick(['slack', 'salesforce', 'jira', 'zapier']) })}`;
    i++;
  } while (block.length < targetChars);
  return block;
}

// ---------------------------------------------------------------------------------------------------
// summarize

interface Fact {
  long: string;
  short: string;
}

const DOC_KINDS: { kind: string; title: string[]; facts: Fact[] }[] = [
  {
    kind: 'meeting notes',
    title: ['Weekly product sync - {date}', 'Q4 planning meeting, {weekday} {date}', 'Customer advisory board call notes'],
    facts: [
      { long: 'The team agreed to postpone the mobile redesign by {n} weeks because two engineers are still on the billing migration.', short: 'Mobile redesign postponed by {n} weeks (engineers busy with billing migration).' },
      { long: 'Elena presented the churn numbers: churn on the Pro plan rose to {pct}% in the last month, mostly from customers with fewer than five seats.', short: 'Pro churn up to {pct}%, mainly small teams.' },
      { long: 'After a long discussion about pricing, it was decided to keep the Free plan limit at three agents for now and revisit the question in January.', short: 'Free plan stays at 3 agents; revisit in January.' },
      { long: 'Jonas will draft the announcement for the {integration} integration and share it with marketing by {weekday}.', short: 'Jonas drafts {integration} announcement by {weekday}.' },
      { long: 'The on-call rotation will move to a follow-the-sun model starting {date}, with the Singapore office covering the night shift for Europe.', short: 'Follow-the-sun on-call from {date}.' },
      { long: 'Several customers asked for SSO on the Pro plan; sales estimates that this blocks around {n} deals this quarter.', short: 'SSO on Pro requested; blocks ~{n} deals.' },
      { long: 'There was no agreement on whether to sunset the legacy reporting API; Priya will collect usage data before the next meeting.', short: 'No decision on legacy reporting API; Priya gathers usage data.' },
    ],
  },
  {
    kind: 'incident report',
    title: ['Incident {ticket}: delayed webhook deliveries', 'Postmortem: search index outage on {date}', 'Incident review - login failures'],
    facts: [
      { long: 'Between 09:12 and 10:47 UTC on {date}, webhook deliveries were delayed by up to {n}0 minutes for customers in the EU region.', short: 'Webhooks in EU delayed up to {n}0 min (09:12-10:47 UTC, {date}).' },
      { long: 'The root cause was a misconfigured autoscaling policy that capped the worker pool at four instances after a routine deploy.', short: 'Root cause: autoscaling capped at 4 workers after deploy.' },
      { long: 'No data was lost; all delayed events were delivered once the pool was scaled up manually by the on-call engineer.', short: 'No data loss; events delivered after manual scale-up.' },
      { long: 'Customer impact: {pct}% of active workspaces had at least one delayed delivery, and {n} enterprise customers opened tickets.', short: '{pct}% of workspaces affected; {n} enterprise tickets.' },
      { long: 'Follow-up actions include an alert on queue age above five minutes and a deploy check that verifies the autoscaling limits.', short: 'Actions: queue-age alert, deploy check on autoscaling limits.' },
      { long: 'The status page was updated 38 minutes after the first alert, which is longer than our 15-minute target.', short: 'Status page updated late (38 min vs 15-min target).' },
    ],
  },
  {
    kind: 'customer call transcript',
    title: ['Call with {company} - renewal', 'Support call: {company} onboarding', 'QBR with {company}'],
    facts: [
      { long: 'The customer said their team of {seats} agents mostly uses the shared inbox and rarely opens the reporting section.', short: '{seats} agents; mostly shared inbox, little reporting.' },
      { long: 'They are unhappy that the {integration} sync sometimes creates duplicate contacts and asked for a fix before renewal.', short: 'Duplicate contacts from {integration} sync; wants fix before renewal.' },
      { long: 'Their renewal is due on {date} and procurement requires a security questionnaire to be completed two weeks before.', short: 'Renewal {date}; security questionnaire due 2 weeks earlier.' },
      { long: 'They would expand by about {n}0 seats if the Enterprise plan included data residency in Germany.', short: 'Would add ~{n}0 seats with German data residency.' },
      { long: 'The account manager promised a follow-up call with a product manager about the reporting roadmap.', short: 'Follow-up with PM on reporting roadmap promised.' },
    ],
  },
  {
    kind: 'article',
    title: ['Why response time matters more than resolution time', 'Five lessons from scaling a support team', 'What customers really want from a chatbot'],
    facts: [
      { long: 'A survey of 2,000 customers found that a fast first response improves satisfaction more than a fast final resolution.', short: 'Fast first response beats fast resolution for satisfaction.' },
      { long: 'Teams that publish their help-centre articles in the customer\'s language see up to {pct}% fewer tickets.', short: 'Localised help articles cut tickets by up to {pct}%.' },
      { long: 'The author warns that chatbots which refuse to hand over to a human are the most common cause of negative reviews.', short: 'Bots without human hand-off drive negative reviews.' },
      { long: 'Measuring CSAT only on closed tickets hides the experience of customers who gave up.', short: 'CSAT on closed tickets only hides customers who gave up.' },
      { long: 'Macros save time, but overusing them makes answers feel generic and lowers satisfaction scores.', short: 'Overused macros feel generic and lower CSAT.' },
    ],
  },
];

const HALLUCINATIONS = [
  'The team decided to shut down the Free plan at the end of the month.',
  'All customers will receive a 50% discount as compensation.',
  'The CEO approved hiring twenty new engineers.',
  'The incident was caused by a cyber attack.',
];

/** Short prose lines used to pad summarize documents so their length varies like real pasted text. */
const FILLER = [
  'Several people joined late because of a calendar mix-up.',
  'Links to the relevant dashboards are in the shared drive.',
  'Please add comments to the document before the next meeting.',
  'Numbers are preliminary and may change after the month-end close.',
  'Some of this was discussed in more detail in the previous session.',
];

/** Document kinds that can be summarized; exported for the long-report edge case. */
export function pickDocKind(rng: Rng): (typeof DOC_KINDS)[number] {
  return rng.pick(DOC_KINDS);
}

/**
 * A summarize request: a pasted document (about 600-2,200 characters) and its summary.
 * About 12% of good summaries use rich markdown (headings, bold, tables) over several paragraphs.
 * Poor summaries add a claim that is not in the document, drop most facts, or stop mid-sentence.
 */
export function summarizeTurn(ctx: TextContext, turn: number): TextPair & { markdown: boolean } {
  const { rng } = ctx;
  const doc = rng.pick(DOC_KINDS);
  const facts = rng.shuffled(doc.facts).slice(0, rng.int(3, doc.facts.length));
  const values: Record<string, string> = {};
  // Fill slots once per fact so the summary quotes the same numbers as the document.
  const filled = facts.map((f) => {
    const slots = { n: String(rng.int(2, 9)), pct: String(rng.int(5, 40)), date: fill(rng, '{date}'), weekday: fill(rng, '{weekday}'), integration: fill(rng, '{integration}'), seats: fill(rng, '{seats}'), company: fill(rng, '{company}'), ticket: fill(rng, '{ticket}'), ...values };
    return { long: fill(rng, f.long, slots), short: fill(rng, f.short, slots) };
  });
  const title = fill(rng, rng.pick(doc.title));
  const paragraphs: string[] = [];
  for (const f of filled) {
    let p = f.long;
    if (rng.chance(0.5)) p += ` ${rng.pick(FILLER)}`;
    paragraphs.push(p);
  }
  const instruction = turn === 0
    ? rng.pick(['Summarize the following {kind}:', 'Summarize this {kind} in a few bullet points.', 'TL;DR please:', 'Can you give me the key points of this {kind}?', 'Summarize for an exec audience, max 5 bullets:'])
    : rng.pick(['Shorter please, 2 sentences max. Same {kind}:', 'Now list only the action items from this {kind}:']);
  const input = `${fill(rng, instruction, { kind: doc.kind })}\n\n${title}\n\n${paragraphs.join('\n\n')}`;

  if (ctx.quality === 'poor') {
    const mode = rng.int(0, 2);
    if (mode === 0) return { input, output: `- ${filled.map((f) => f.short).slice(0, 2).join('\n- ')}\n- ${rng.pick(HALLUCINATIONS)}`, markdown: false };
    if (mode === 1) return { input, output: `This ${doc.kind} discusses various topics.`, markdown: false };
    const first = filled[0]?.short ?? '';
    return { input, output: `Summary: ${first.slice(0, Math.max(10, Math.floor(first.length / 2)))}`, markdown: false };
  }
  if (rng.chance(0.12)) {
    const keyPoints = filled.map((f) => `- **${f.short.split(' ').slice(0, 3).join(' ')}** ${f.short.split(' ').slice(3).join(' ')}`).join('\n');
    const output = `## Summary\n\nThis ${doc.kind} (“${title}”) covers ${String(filled.length)} points.\n\n### Key points\n\n${keyPoints}\n\n### Open questions\n\n| Topic | Owner | Status |\n|---|---|---|\n| ${filled[0]?.short.slice(0, 30) ?? ''} | ${fill(rng, '{name}')} | open |\n| Follow-up | ${fill(rng, '{name}')} | planned |\n\n> Note: figures are quoted as written in the source.`;
    return { input, output, markdown: true };
  }
  const output = rng.chance(0.5)
    ? filled.map((f) => `- ${f.short}`).join('\n')
    : `${filled.map((f) => f.short).join(' ')}`;
  return { input, output, markdown: false };
}

/**
 * A very long structured markdown report (for the "very long output" edge case).
 * @param targetChars minimum length in characters; the result is at most a few hundred characters longer
 */
export function longReport(rng: Rng, targetChars: number): string {
  let out = '# Detailed analysis\n\nThe following report expands every point of the source document.\n';
  let section = 1;
  while (out.length < targetChars) {
    const doc = rng.pick(DOC_KINDS);
    const f = rng.pick(doc.facts);
    out += `\n## ${String(section)}. ${fill(rng, f.short)}\n\n${fill(rng, f.long)} ${rng.pick(FILLER)} ${fill(rng, rng.pick(doc.facts).long)}\n\n- Impact: ${fill(rng, rng.pick(doc.facts).short)}\n- Owner: ${fill(rng, '{fullname}')}\n- Due: ${fill(rng, '{date}')}\n`;
    if (section % 7 === 0) out += '\n```sql\nSELECT workspace_id, count(*) AS tickets\nFROM tickets\nWHERE created_at >= date(\'now\', \'-30 days\')\nGROUP BY workspace_id\nORDER BY tickets DESC;\n```\n';
    section++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// search-answer

interface KbEntry {
  q: string[];
  answer: string;
  wrong: string;
  source: string;
}

const KB: KbEntry[] = [
  { q: ['How long are audit logs kept on the {plan} plan?', 'audit log retention {plan}', 'What is the retention period for audit logs?'], answer: 'Audit logs are kept for 90 days on Pro and for 1 year on Enterprise [1]. The Free plan has no audit log. You can stream logs to your SIEM for longer retention [2].', wrong: 'Audit logs are kept forever on all plans [1].', source: '[1] docs/security/audit-logs.md\n[2] docs/integrations/siem-streaming.md' },
  { q: ['What are the API rate limits?', 'rate limit for /v2/tickets endpoint', 'How many API requests per minute can we make?'], answer: 'The REST API allows 600 requests per minute per workspace, with bursts up to 100 requests per second [1]. Responses include `X-RateLimit-Remaining`; on HTTP 429, retry after the `Retry-After` header [1].', wrong: 'There are no rate limits on the API [1].', source: '[1] docs/api/rate-limits.md' },
  { q: ['Which regions can store our data?', 'data residency germany', 'Where is customer data hosted?'], answer: 'Data is hosted in the EU (Frankfurt) or the US (Virginia); Enterprise customers can choose the region at signup [1]. Moving an existing workspace between regions requires a migration by support [2].', wrong: 'All data is hosted in Singapore [1].', source: '[1] docs/security/data-residency.md\n[2] kb/migrations/region-move.md' },
  { q: ['How do I connect {integration}?', '{integration} integration setup', 'Does Brightdesk integrate with {integration}?'], answer: 'Go to **Settings > Integrations**, choose the app and click **Connect**; you need admin rights in both tools [1]. Sync runs every 5 minutes and can be triggered manually [1].', wrong: 'That integration was discontinued in 2024 [1].', source: '[1] docs/integrations/overview.md' },
  { q: ['What is the maximum attachment size?', 'attachment limit email', 'Why are large attachments rejected?'], answer: 'Attachments up to 25 MB per file and 50 MB per message are accepted [1]. Larger files are replaced by a download link that expires after 30 days [1].', wrong: 'Attachments are limited to 2 MB [1].', source: '[1] docs/channels/email/attachments.md' },
  { q: ['How does the SLA timer handle weekends?', 'SLA business hours configuration', 'Do SLA policies pause outside business hours?'], answer: 'SLA timers pause outside the business hours set on the policy; weekends count only if the schedule includes them [1]. Holidays can be added per schedule [2].', wrong: 'SLA timers always run 24/7 and cannot be paused [1].', source: '[1] docs/sla/policies.md\n[2] docs/sla/holidays.md' },
  { q: ['Can customers rate their support conversations?', 'CSAT survey settings', 'How is the satisfaction survey sent?'], answer: 'Yes. CSAT surveys are sent 24 hours after a ticket is solved and ask for a 1-5 rating plus an optional comment [1]. Results appear under **Reports > Satisfaction** [1].', wrong: 'CSAT surveys are only available via the API [1].', source: '[1] docs/reports/csat.md' },
  { q: ['Is Brightdesk SOC 2 certified?', 'soc2 report', 'Where can I get the security whitepaper?'], answer: 'Brightdesk holds a SOC 2 Type II report and ISO 27001 certification [1]. Customers can request the report under NDA from the Trust Center [1].', wrong: 'Brightdesk is not certified but plans to be by 2030 [1].', source: '[1] trust/compliance.md' },
];

/**
 * A search-answer request: a question about Brightdesk docs and a cited answer.
 * Poor answers cite the right document but state a wrong fact, or give up.
 */
export function searchTurn(ctx: TextContext): TextPair {
  const { rng } = ctx;
  const e = rng.pick(KB);
  const input = fill(rng, rng.pick(e.q), { plan: ctx.plan });
  if (ctx.quality === 'poor') {
    const output = rng.chance(0.6) ? `${e.wrong}\n\nSources:\n${e.source}` : "I couldn't find an answer to that in the documentation.";
    return { input, output };
  }
  const lead = rng.pick(['', '', 'Short answer: yes. ', 'Here is what the docs say. ']);
  return { input, output: `${lead}${e.answer}\n\nSources:\n${e.source}` };
}

// ---------------------------------------------------------------------------------------------------
// email-draft

const EMAIL_TOPICS = [
  { topic: 'the delayed delivery of their order', body: 'I wanted to let you know that your order has been delayed by {n} days because of a supplier issue. We now expect it to ship on {date}.', body2: 'As an apology, we have added a {pct}% discount to your next invoice. Please reply if the new date does not work for you.' },
  { topic: 'renewing their contract', body: 'Your contract renews on {date}. Based on your current usage of {seats} seats, the renewal quote is attached.', body2: 'If you would like to review the terms or add seats, I am happy to set up a short call this week.' },
  { topic: 'a follow-up after the onboarding call', body: 'Thank you for your time on {weekday}. As discussed, I have enabled the {integration} integration for your workspace.', body2: 'The next step is to invite your agents; the guide is linked below. Let me know if anything is unclear.' },
  { topic: 'an apology for the outage on {date}', body: 'On {date}, some of your webhook deliveries were delayed. No data was lost and everything has been delivered since.', body2: 'We have added monitoring so that this is caught within minutes in the future. I am sorry for the disruption.' },
  { topic: 'declining a feature request politely', body: 'Thank you for suggesting a bulk-merge feature for contacts. We reviewed it carefully with the product team.', body2: 'It is not on the roadmap for this year, but I have shared your use case and will let you know if that changes.' },
];
const TONES = ['friendly', 'formal', 'concise', 'warm but professional', 'apologetic'];

/** What stays fixed across the revisions of one email-draft conversation. */
export interface EmailThread {
  topic: (typeof EMAIL_TOPICS)[number];
  recipient: string;
  company: string;
  tone: string;
  slots: Record<string, string>;
}

/** Starts an email-draft conversation: recipient, company, tone and topic facts. */
export function newEmailThread(rng: Rng): EmailThread {
  return {
    topic: rng.pick(EMAIL_TOPICS),
    recipient: fill(rng, '{name}'),
    company: fill(rng, '{company}'),
    tone: rng.pick(TONES),
    slots: { n: String(rng.int(2, 9)), date: fill(rng, '{date}'), pct: String(rng.pick([10, 15, 20])), seats: fill(rng, '{seats}'), weekday: fill(rng, '{weekday}'), integration: fill(rng, '{integration}') },
  };
}

/**
 * An email-draft request: an instruction and the drafted email.
 * Revisions (turn > 0) ask for a change of tone or length of the same email. Poor drafts address the wrong
 * person or leave a placeholder unfilled.
 */
export function emailTurn(ctx: TextContext, thread: EmailThread, turn: number, sender: string): TextPair {
  const { rng } = ctx;
  const { recipient, company, tone, slots } = thread;
  const topic = fill(rng, thread.topic.topic, slots);
  const article = /^[aeiou]/i.test(tone) ? 'an' : 'a';
  const input = turn === 0
    ? `Write ${article} ${tone} email to ${recipient} at ${company} about ${topic}.${rng.chance(0.4) ? ' Keep it under 120 words.' : ''}`
    : rng.pick(['Make it shorter.', 'More formal please.', `Less stiff. ${recipient} is a long-time customer.`, 'Make the tone friendlier and add a clear call to action.']);
  const greetingName = ctx.quality === 'poor' && rng.chance(0.5) ? fill(rng, '{name}') : recipient;
  const body = fill(rng, thread.topic.body, slots);
  const body2 = ctx.quality === 'poor' && rng.chance(0.5) ? '[INSERT DETAILS HERE]' : fill(rng, thread.topic.body2, slots);
  const cta = turn > 0 && rng.chance(0.5) ? '\n\nCould you reply by Friday so we can plan the next steps?' : '';
  const subject = `Subject: ${topic.charAt(0).toUpperCase()}${topic.slice(1)}`;
  const output = `${subject}\n\nHi ${greetingName},\n\n${turn > 0 && rng.chance(0.5) ? body : `${body}\n\n${body2}`}${cta}\n\nBest regards,\n${sender}\nBrightdesk Customer Success`;
  return { input, output };
}

// ---------------------------------------------------------------------------------------------------
// feedback and ticket text

/** Comments left with a thumbs-down, by feature; `{lang}` mismatch comments are used for non-English inputs. */
export const THUMB_DOWN_COMMENTS: Record<string, string[]> = {
  'support-chat': ['Wrong answer, that menu does not exist.', 'It told me refunds are impossible, which is not true.', 'Not helpful, I want to talk to a person.', 'Useless.', 'It keeps repeating the same steps.'],
  summarize: ['The summary invented a decision that was never made!', 'Too vague.', 'Cut off in the middle.', 'Missed the action items.'],
  'search-answer': ['Wrong number, the docs say something else.', 'Could not find an answer although the article exists.', 'Citation does not support the claim.'],
  'email-draft': ['Wrong name in the greeting.', 'Left a placeholder in the email.', 'Tone is way too formal.'],
};
/** Thumbs-down comments written in the customer's language about an answer in the wrong language. */
export const LANG_MISMATCH_COMMENTS: Record<Exclude<Lang, 'en'>, string[]> = {
  de: ['Ich habe auf Deutsch gefragt und eine englische Antwort bekommen.', 'Antwort nicht auf Deutsch.'],
  fr: ["J'ai posé la question en français, la réponse est en anglais.", 'Pas de réponse en français.'],
  es: ['Pregunté en español y la respuesta llegó en inglés.', 'No responde en español.'],
};
/** Comments left with a thumbs-up. */
export const THUMB_UP_COMMENTS = ['Perfect, thanks!', 'Exactly what I needed.', 'Saved me 10 minutes.', 'Great summary.', 'Clear steps, worked first time.'];
/** Free-text feedback from the in-app "Send feedback" box. */
export const FREE_COMMENTS = [
  'Would love a dark mode for the assistant panel.',
  'The assistant is great but slow in the afternoon.',
  'Please let me choose the language of the answers.',
  'Can the summaries include who said what?',
  'The email drafts sound a bit robotic, otherwise very useful.',
  'Search answers should link directly to the help article section.',
  'Sometimes the chat forgets what I said two messages ago.',
];
/** Comments attached to NPS responses, by bucket. */
export const NPS_COMMENTS = {
  promoter: ['Saves our team hours every week.', 'Best help desk we have used.', 'The AI features are genuinely useful.'],
  passive: ['Good, but the reporting is limited.', 'Fine overall; pricing is a bit high.', 'Works, some rough edges.'],
  detractor: ['Too many wrong answers from the bot.', 'Support takes too long to reply.', 'Billing problems two months in a row.', 'The assistant often answers in English even when we write in German.'],
};

/** Ticket subjects by the issue that caused the ticket; `poor` subjects depend on the feature. */
export const TICKET_SUBJECTS: Record<string, string[]> = {
  error: ['Assistant shows an error', 'AI answer failed: "{error}"', 'Error when using {feature_label}'],
  'error-spike': ['Search answers failing since this morning', 'URGENT: AI search returns errors for the whole team', 'Knowledge search broken?'],
  lang: ['Assistant answers in English instead of {language}', 'Chat does not reply in {language}'],
  slow: ['Summaries very slow this week', 'AI assistant takes forever'],
};
/** Subjects of tickets about a poor answer, by feature. */
export const POOR_SUBJECTS: Record<string, string[]> = {
  'support-chat': ['Bot gave wrong information', 'Chat assistant told me something incorrect'],
  summarize: ['AI summary is wrong', 'Summary invented a decision'],
  'search-answer': ['Search answer contradicts the docs', 'Incorrect answer from knowledge search'],
  'email-draft': ['Email draft had the wrong name', 'Draft left a placeholder in'],
};
/** Tickets unrelated to answer quality: [subject, description template]. */
export const OTHER_TICKETS: [string, string][] = [
  ['How do I add seats?', 'Hi, we need {n} more seats for our team, how do we add them?'],
  ['Invoice copy needed', 'Hello, please send a copy of invoice {order}, our accounting needs it "as PDF, not HTML".'],
  ['Feature request: dark mode', 'Is there a dark mode planned? Our agents work night shifts, and the white screen is tiring.'],
  ['{integration} button greyed out', 'We want to connect {integration}, but the button is greyed out. Is that a plan limit?'],
  ['SSO setup help', 'We are setting up SSO with Okta and get {code}, see the attached screenshot.'],
];
