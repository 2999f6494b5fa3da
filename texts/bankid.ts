/**
 * What the customer reads while a BankID order runs: the user messages BankID's RP guidelines
 * prescribe (RFA1…RFA23) for each hint code, in Swedish and English. Pure.
 */
export type Lang = 'sv' | 'en';

type Message = Record<Lang, string>;

const RFA: Record<string, Message> = {
  RFA1: { sv: 'Starta BankID-appen.', en: 'Start your BankID app.' },
  RFA3: { sv: 'Åtgärden avbruten. Försök igen.', en: 'Action cancelled. Please try again.' },
  RFA4: {
    sv: 'En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.',
    en: 'An identification or signing for this personal number is already started. Please try again.',
  },
  RFA5: { sv: 'Internt tekniskt fel. Försök igen.', en: 'Internal error. Please try again.' },
  RFA6: { sv: 'Åtgärden avbruten.', en: 'Action cancelled.' },
  RFA8: {
    sv:
      'BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har ' +
      'något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.',
    en:
      "The BankID app is not responding. Please check that it's started and that you have internet access. If you " +
      "don't have a valid BankID you can get one from your bank. Try again.",
  },
  RFA9: {
    sv: 'Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.',
    en: 'Enter your security code in the BankID app and select Identify or Sign.',
  },
  RFA13: { sv: 'Försöker starta BankID-appen.', en: 'Trying to start your BankID app.' },
  RFA14: {
    sv: 'Söker efter BankID, det kan ta en liten stund …',
    en: 'Searching for BankID, it may take a little while …',
  },
  RFA16: {
    sv: 'Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.',
    en: 'The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.',
  },
  RFA17A: {
    sv:
      'BankID-appen verkar inte finnas i din dator eller telefon. Installera den och skaffa ett BankID hos din bank. ' +
      'Installera appen från din appbutik eller https://install.bankid.com.',
    en:
      "The BankID app couldn't be found on your computer or mobile device. Please install it and get a BankID from " +
      'your bank. Install the app from your app store or https://install.bankid.com.',
  },
  RFA17B: {
    sv:
      'Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är ' +
      'uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. ' +
      'Installera appen från din appbutik eller https://install.bankid.com.',
    en:
      "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, " +
      'you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com.',
  },
  RFA21: { sv: 'Identifiering eller underskrift pågår.', en: 'Identification or signing in progress.' },
  RFA22: { sv: 'Okänt fel. Försök igen.', en: 'Unknown error. Please try again.' },
  RFA23: {
    sv: 'Fotografera och läs av din ID-handling med BankID-appen.',
    en: 'Process your machine-readable travel document using the BankID app.',
  },
};

const OWN: Record<string, Message> = {
  'wrong-person': {
    sv: 'BankID:t som användes tillhör inte den som ansökan gäller. Använd ditt eget BankID och försök igen.',
    en: 'The BankID used does not belong to the person named in the application. Use your own BankID and try again.',
  },
  notSupportedByUserApp: {
    sv: 'Din BankID-app behöver uppdateras. Uppdatera appen och försök igen.',
    en: 'Your BankID app needs to be updated. Update the app and try again.',
  },
};

/** The message for a pending order (`autoStarted`: the user opened the app on this device). */
export function bankIdPendingMessage(lang: Lang, hintCode: string | undefined, autoStarted: boolean): string {
  switch (hintCode) {
    case 'outstandingTransaction':
      return RFA[autoStarted ? 'RFA13' : 'RFA1']![lang];
    case 'noClient':
      return RFA.RFA1![lang];
    case 'started':
      return RFA.RFA14![lang];
    case 'userMrtd':
      return RFA.RFA23![lang];
    case 'userSign':
      return RFA.RFA9![lang];
    default:
      return RFA.RFA21![lang];
  }
}

/** The message for a failed order, or for an RP error code (`alreadyInProgress`, `internalError`, …). */
export function bankIdFailedMessage(lang: Lang, hintCode: string | undefined, autoStarted: boolean): string {
  switch (hintCode) {
    case 'expiredTransaction':
      return RFA.RFA8![lang];
    case 'certificateErr':
      return RFA.RFA16![lang];
    case 'userCancel':
      return RFA.RFA6![lang];
    case 'cancelled':
    case 'userDeclinedCall':
      return RFA.RFA3![lang];
    case 'startFailed':
      return RFA[autoStarted ? 'RFA17A' : 'RFA17B']![lang];
    case 'alreadyInProgress':
      return RFA.RFA4![lang];
    case 'internalError':
    case 'maintenance':
    case 'technicalError':
      return RFA.RFA5![lang];
    case 'wrong-person':
    case 'notSupportedByUserApp':
      return OWN[hintCode]![lang];
    default:
      return RFA.RFA22![lang];
  }
}
