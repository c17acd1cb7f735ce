<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../qml/dialogs/AccountDialog.qml" line="+15"/>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Offline — reconnecting</source>
        <translation>Offline – verbinde neu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Devices online</source>
        <translation>Geräte online</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Unnamed device</source>
        <translation>Unbenanntes Gerät</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>this device</source>
        <translation>dieses Gerät</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>since %1</source>
        <translation>seit %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Listing devices…</source>
        <translation>Geräte werden aufgelistet…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Offline: devices show when connected.</source>
        <translation>Offline: Geräte erscheinen, sobald die Verbindung steht.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Verify %1</source>
        <translation>%1 verifizieren</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>People you share a room with appear here.</source>
        <translation>Hier erscheinen Leute, mit denen du einen Raum teilst.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Really log out? Only your account secret brings you back</source>
        <translation>Wirklich abmelden? Nur dein Konto-Geheimnis bringt dich zurück</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Log out of this device</source>
        <translation>Auf diesem Gerät abmelden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>Badge</name>
    <message numerus="yes">
        <location filename="../qml/components/Badge.qml" line="+18"/>
        <source>%n unread</source>
        <translation>
            <numerusform>%n ungelesen</numerusform>
            <numerusform>%n ungelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../qml/components/Composer.qml" line="+53"/>
        <source>You are no longer a member of this room. You can still read what you received.</source>
        <translation>Du bist nicht mehr Mitglied dieses Raums. Was du empfangen hast, kannst du weiter lesen.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Message %1</source>
        <translation>Nachricht an %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Write a message</source>
        <translation>Nachricht schreiben</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Eingabe sendet, Umschalt+Eingabe beginnt eine neue Zeile</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message>
        <location filename="../qml/pages/ConversationPane.qml" line="+34"/>
        <source>Pick a room on the left</source>
        <translation>Wähle links einen Raum</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No rooms yet</source>
        <translation>Noch keine Räume</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create a room and invite people by their username, or accept an invitation. Press Ctrl+K to jump to a room.</source>
        <translation>Lege einen Raum an und lade Leute über ihren Benutzernamen ein, oder nimm eine Einladung an. Mit Strg+K springst du zu einem Raum.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New room</source>
        <translation>Neuer Raum</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Something in this room needs your attention</source>
        <translation>In diesem Raum braucht etwas deine Aufmerksamkeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing in this room needs attention</source>
        <translation>In diesem Raum ist alles in Ordnung</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n Mitglied</numerusform>
            <numerusform>%n Mitglieder</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Invite</source>
        <translation>Einladen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hide members</source>
        <translation>Mitglieder ausblenden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show members</source>
        <translation>Mitglieder zeigen</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>No messages yet</source>
        <translation>Noch keine Nachrichten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Say hello — only the members of this room can read it.</source>
        <translation>Sag Hallo – nur die Mitglieder dieses Raums können es lesen.</translation>
    </message>
</context>
<context>
    <name>CreateRoomDialog</name>
    <message>
        <location filename="../qml/dialogs/CreateRoomDialog.qml" line="+15"/>
        <source>New room</source>
        <translation>Neuer Raum</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. Ops</source>
        <translation>z. B. Betrieb</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Topic (optional)</source>
        <translation>Thema (optional)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>People you invite later</source>
        <translation>Später Eingeladene</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>can read earlier messages</source>
        <translation>können frühere Nachrichten lesen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>see messages from when they join</source>
        <translation>sehen Nachrichten ab ihrem Beitritt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Only members can read the room. The server stores it but cannot read or change it unnoticed.</source>
        <translation>Nur Mitglieder können den Raum lesen. Der Server speichert ihn, kann ihn aber weder lesen noch unbemerkt ändern.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Create room</source>
        <translation>Raum anlegen</translation>
    </message>
</context>
<context>
    <name>InvitationDelegate</name>
    <message>
        <location filename="../qml/delegates/InvitationDelegate.qml" line="+25"/>
        <source>Invitation to %1 from %2</source>
        <translation>Einladung in %1 von %2</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>from %1</source>
        <translation>von %1</translation>
    </message>
</context>
<context>
    <name>InvitationDialog</name>
    <message>
        <location filename="../qml/dialogs/InvitationDialog.qml" line="+25"/>
        <source>Join %1?</source>
        <translation>%1 beitreten?</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 invited you.</source>
        <translation>%1 hat dich eingeladen.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%1 and %n other(s)</source>
        <translation>
            <numerusform>%1 und %n weitere Person</numerusform>
            <numerusform>%1 und %n weitere Personen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>You&apos;ll see messages from now on. Earlier messages stay private to those who were there.</source>
        <translation>Du siehst Nachrichten ab jetzt. Frühere Nachrichten bleiben bei denen, die dabei waren.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You&apos;ll see earlier messages of this room.</source>
        <translation>Du siehst die früheren Nachrichten dieses Raums.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1&apos;s safety number changed since you last talked. Check it with them before you trust this invitation.</source>
        <translation>Die Sicherheitsnummer von %1 hat sich seit eurem letzten Gespräch geändert. Prüfe sie gemeinsam, bevor du dieser Einladung vertraust.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Decline and block inviter</source>
        <translation>Ablehnen und Einladende blockieren</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Decline</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <location filename="../qml/dialogs/InviteDialog.qml" line="+21"/>
        <source>Invite to %1</source>
        <translation>In %1 einladen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Invite</source>
        <translation>Einladen</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who do you want to invite?</source>
        <translation>Wen möchtest du einladen?</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sending the invitation…</source>
        <translation>Einladung wird gesendet …</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Looking up %1…</source>
        <translation>Suche %1 …</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>There is no user called “%1” on this server. Check the spelling.</source>
        <translation>Auf diesem Server gibt es niemanden namens „%1“. Prüfe die Schreibweise.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>You have not compared safety numbers with %1 yet. You can verify them later from the member list.</source>
        <translation>Du hast noch keine Sicherheitsnummern mit %1 verglichen. Das geht später über die Mitgliederliste.</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+5"/>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Guest</source>
        <translation>Gast</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moderator</source>
        <translation>Moderator</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+5"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Can read earlier messages</source>
        <translation>Kann frühere Nachrichten lesen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sees messages from now on</source>
        <translation>Sieht Nachrichten ab jetzt</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>%1&apos;s safety number changed since you last saw it. Tavern will not invite them with the new key until you review it.</source>
        <translation>Die Sicherheitsnummer von %1 hat sich seit dem letzten Mal geändert. Tavern lädt mit dem neuen Schlüssel erst ein, wenn du ihn geprüft hast.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Invited %1. They join the room when they accept.</source>
        <translation>%1 ist eingeladen und tritt dem Raum bei, sobald die Einladung angenommen wird.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Invite someone else</source>
        <translation>Noch jemanden einladen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Send invitation</source>
        <translation>Einladung senden</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Review</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
</context>
<context>
    <name>KeyChangeBanner</name>
    <message>
        <location filename="../qml/components/KeyChangeBanner.qml" line="+46"/>
        <source>The safety numbers of %1 changed. Review before sending.</source>
        <translation>Die Sicherheitsnummern von %1 haben sich geändert. Prüfe sie, bevor du sendest.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1&apos;s safety number changed. Review before sending.</source>
        <translation>Die Sicherheitsnummer von %1 hat sich geändert. Prüfe sie, bevor du sendest.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sending to this room is paused so nothing reaches a key you have not seen.</source>
        <translation>Senden in diesen Raum ist angehalten, damit nichts an einen Schlüssel geht, den du nicht gesehen hast.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Review</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Accept new key</source>
        <translation>Neuen Schlüssel annehmen</translation>
    </message>
</context>
<context>
    <name>KeyChangeDialog</name>
    <message>
        <location filename="../qml/dialogs/KeyChangeDialog.qml" line="+18"/>
        <source>%1&apos;s safety number changed</source>
        <translation>Die Sicherheitsnummer von %1 hat sich geändert</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The server now hands out a different key for %1 than the one you saw first. This happens when they reinstalled Tavern without their account secret — or when someone is trying to listen in.</source>
        <translation>Der Server gibt für %1 jetzt einen anderen Schlüssel heraus als den, den du zuerst gesehen hast. Das passiert, wenn Tavern ohne Konto-Geheimnis neu installiert wurde – oder wenn jemand mithören will.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tavern paused sending to rooms %1 is in and kept the key you had. Ask them in person or on a call whether they changed devices, then compare safety numbers.</source>
        <translation>Tavern hat das Senden in Räume mit %1 angehalten und den bisherigen Schlüssel behalten. Frag persönlich oder am Telefon nach, ob das Gerät gewechselt wurde, und vergleicht dann die Sicherheitsnummern.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not now</source>
        <translation>Nicht jetzt</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Compare safety numbers</source>
        <translation>Sicherheitsnummern vergleichen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Accept new key</source>
        <translation>Neuen Schlüssel annehmen</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../qml/pages/LoginPage.qml" line="+27"/>
        <source>Log in on this device</source>
        <translation>Auf diesem Gerät anmelden</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Use the account secret you wrote down when you signed up.</source>
        <translation>Verwende das Konto-Geheimnis, das du bei der Registrierung notiert hast.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Account secret</source>
        <translation>Konto-Geheimnis</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Checking your secret and loading your rooms…</source>
        <translation>Geheimnis wird geprüft, Räume werden geladen …</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Create a new account</source>
        <translation>Neues Konto anlegen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Log in</source>
        <translation>Anmelden</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../qml/Main.qml" line="+17"/>
        <source>Tavern (%1)</source>
        <translation>Tavern (%1)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tavern</source>
        <translation>Tavern</translation>
    </message>
    <message>
        <location line="+109"/>
        <source>Opening your account…</source>
        <translation>Dein Konto wird geöffnet …</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Tavern could not open your account</source>
        <translation>Tavern konnte dein Konto nicht öffnen</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>MemberDelegate</name>
    <message>
        <location filename="../qml/delegates/MemberDelegate.qml" line="+30"/>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 (you)</source>
        <translation>%1 (du)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>invited</source>
        <translation>eingeladen</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Actions for %1</source>
        <translation>Aktionen für %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Show safety number</source>
        <translation>Sicherheitsnummer zeigen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Verify %1</source>
        <translation>%1 verifizieren</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Make admin</source>
        <translation>Zum Admin machen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Make moderator</source>
        <translation>Zum Moderator machen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Make member</source>
        <translation>Zum Mitglied machen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Make guest</source>
        <translation>Zum Gast machen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Remove from room</source>
        <translation>Aus dem Raum entfernen</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../qml/pages/MemberPanel.qml" line="+46"/>
        <location line="+26"/>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Invite</source>
        <translation>Einladen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Admins</source>
        <translation>Admins</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Moderators</source>
        <translation>Moderatoren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Guests</source>
        <translation>Gäste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invited</source>
        <translation>Eingeladen</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Hide what each role can do</source>
        <translation>Rollenrechte ausblenden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What can each role do?</source>
        <translation>Was darf welche Rolle?</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message numerus="yes">
        <location filename="../qml/delegates/MessageDelegate.qml" line="+109"/>
        <source>%n message(s) missing here — the server did not deliver them</source>
        <translation>
            <numerusform>Hier fehlt %n Nachricht – der Server hat sie nicht ausgeliefert</numerusform>
            <numerusform>Hier fehlen %n Nachrichten – der Server hat sie nicht ausgeliefert</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messages missing here — the server did not deliver them</source>
        <translation>Hier fehlen Nachrichten – der Server hat sie nicht ausgeliefert</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Hide details</source>
        <translation>Details ausblenden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show details</source>
        <translation>Details zeigen</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This message was deleted.</source>
        <translation>Diese Nachricht wurde gelöscht.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not checked yet</source>
        <translation>noch nicht geprüft</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sending…</source>
        <translation>Wird gesendet …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not sent: %1</source>
        <translation>Nicht gesendet: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not sent</source>
        <translation>Nicht gesendet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>RoleTable</name>
    <message>
        <location filename="../qml/components/RoleTable.qml" line="+23"/>
        <source>What each role can do</source>
        <translation>Was jede Rolle darf</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mod</source>
        <translation>Mod</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Guest</source>
        <translation>Gast</translation>
    </message>
</context>
<context>
    <name>RoomDelegate</name>
    <message numerus="yes">
        <location filename="../qml/delegates/RoomDelegate.qml" line="+29"/>
        <source>%1, %n unread</source>
        <translation>
            <numerusform>%1, %n ungelesen</numerusform>
            <numerusform>%1, %n ungelesen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+54"/>
        <source>No messages yet</source>
        <translation>Noch keine Nachrichten</translation>
    </message>
</context>
<context>
    <name>RoomListPane</name>
    <message>
        <location filename="../qml/pages/RoomListPane.qml" line="+54"/>
        <source>Account: %1</source>
        <translation>Konto: %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Offline — reconnecting</source>
        <translation>Offline – verbinde neu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Syncing…</source>
        <translation>Synchronisiere …</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+123"/>
        <source>New room</source>
        <translation>Neuer Raum</translation>
    </message>
    <message>
        <location line="-121"/>
        <source>New room (Ctrl+N)</source>
        <translation>Neuer Raum (Strg+N)</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+3"/>
        <source>Search rooms</source>
        <translation>Räume durchsuchen</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Invitations</source>
        <translation>Einladungen</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Rooms</source>
        <translation>Räume</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No room matches “%1”</source>
        <translation>Kein Raum passt zu „%1“</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No rooms yet</source>
        <translation>Noch keine Räume</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create one, or wait for an invitation.</source>
        <translation>Lege einen an oder warte auf eine Einladung.</translation>
    </message>
</context>
<context>
    <name>RoomSettingsDialog</name>
    <message>
        <location filename="../qml/dialogs/RoomSettingsDialog.qml" line="+17"/>
        <source>%1 settings</source>
        <translation>Einstellungen von %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Room settings</source>
        <translation>Raumeinstellungen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>New members</source>
        <translation>Neue Mitglieder</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>History for new members</source>
        <translation>Verlauf für neue Mitglieder</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>can read earlier messages</source>
        <translation>können frühere Nachrichten lesen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>see messages from when they join</source>
        <translation>sehen Nachrichten ab ihrem Beitritt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Only roles allowed to change settings can edit these.</source>
        <translation>Nur Rollen mit dem Recht, Einstellungen zu ändern, können diese bearbeiten.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Room fingerprint</source>
        <translation>Raum-Fingerabdruck</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Everyone in the room sees the same fingerprint. Compare it to be sure you are in the same room.</source>
        <translation>Alle im Raum sehen denselben Fingerabdruck. Vergleicht ihn, um sicher zu sein, dass ihr im selben Raum seid.</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Leave room</source>
        <translation>Raum verlassen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <location line="-36"/>
        <source>%1 (you)</source>
        <translation>%1 (du)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (invited)</source>
        <translation>%1 (eingeladen)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Role of %1</source>
        <translation>Rolle von %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Moderator</source>
        <translation>Moderator</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Guest</source>
        <translation>Gast</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>What can each role do?</source>
        <translation>Was darf welche Rolle?</translation>
    </message>
</context>
<context>
    <name>RoomSwitcher</name>
    <message>
        <location filename="../qml/dialogs/RoomSwitcher.qml" line="+13"/>
        <source>Go to room</source>
        <translation>Zu Raum wechseln</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+1"/>
        <source>Room name</source>
        <translation>Raumname</translation>
    </message>
</context>
<context>
    <name>SignUpPage</name>
    <message>
        <location filename="../qml/pages/SignUpPage.qml" line="+33"/>
        <source>Your account secret</source>
        <translation>Dein Konto-Geheimnis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check that you wrote it down</source>
        <translation>Prüfe, ob du es notiert hast</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome to Tavern</source>
        <translation>Willkommen bei Tavern</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Create an account. Your keys are made on this device; the server never sees them.</source>
        <translation>Lege ein Konto an. Deine Schlüssel entstehen auf diesem Gerät; der Server sieht sie nie.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lower-case letters, digits, dots, dashes and underscores. Others find you by it.</source>
        <translation>Kleinbuchstaben, Ziffern, Punkte, Binde- und Unterstriche. Andere finden dich darüber.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. alice</source>
        <translation>z. B. alice</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>I already have an account</source>
        <translation>Ich habe schon ein Konto</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create account</source>
        <translation>Konto anlegen</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Making your keys and registering with the server…</source>
        <translation>Schlüssel werden erzeugt und beim Server registriert …</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Write this down and keep it safe. It is the only way back into your account on a new device — Tavern cannot show it again or reset it.</source>
        <translation>Schreib es auf und bewahre es sicher auf. Nur damit kommst du auf einem neuen Gerät wieder in dein Konto – Tavern kann es weder erneut zeigen noch zurücksetzen.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Account secret: %1</source>
        <translation>Konto-Geheimnis: %1</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>I wrote it down</source>
        <translation>Ich habe es notiert</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Type two groups of your account secret, so we know you can get back in.</source>
        <translation>Gib zwei Gruppen deines Konto-Geheimnisses ein, damit klar ist, dass du wieder hineinkommst.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+7"/>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Show the secret again</source>
        <translation>Geheimnis erneut zeigen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
</context>
<context>
    <name>TrustIndicator</name>
    <message>
        <location filename="../qml/components/TrustIndicator.qml" line="+19"/>
        <source>Trusted on first use</source>
        <translation>Beim ersten Kontakt vertraut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verified</source>
        <translation>Verifiziert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key changed</source>
        <translation>Schlüssel geändert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not verified</source>
        <translation>Nicht verifiziert</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>VerificationDialog</name>
    <message>
        <location filename="../qml/verification/VerificationDialog.qml" line="+20"/>
        <source>Verify %1</source>
        <translation>%1 verifizieren</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Safety number</source>
        <translation>Sicherheitsnummer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Room fingerprint</source>
        <translation>Raum-Fingerabdruck</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Compare these numbers with %1 in person or on a call, or scan each other&apos;s code. If they are the same on both devices, nobody is in between.</source>
        <translation>Vergleicht diese Zahlen persönlich oder am Telefon mit %1, oder scannt gegenseitig den Code. Stimmen sie auf beiden Geräten überein, sitzt niemand dazwischen.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Safety number: %1</source>
        <translation>Sicherheitsnummer: %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>QR code of the safety number</source>
        <translation>QR-Code der Sicherheitsnummer</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Everyone in this room sees the same room fingerprint. If it differs from someone&apos;s, you are not in the same room.</source>
        <translation>Alle in diesem Raum sehen denselben Raum-Fingerabdruck. Weicht er bei jemandem ab, seid ihr nicht im selben Raum.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Open a room to see its fingerprint.</source>
        <translation>Öffne einen Raum, um seinen Fingerabdruck zu sehen.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>%1 is verified. Tavern will warn you if their key ever changes.</source>
        <translation>%1 ist verifiziert. Tavern warnt dich, falls sich der Schlüssel jemals ändert.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The numbers differ: someone may be between you and %1. Tavern keeps them unverified. Don&apos;t share anything sensitive until you have checked again, in person.</source>
        <translation>Die Zahlen weichen ab: Jemand könnte zwischen dir und %1 sitzen. Tavern lässt den Kontakt unverifiziert. Teile nichts Vertrauliches, bis ihr es persönlich erneut geprüft habt.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>They don&apos;t match</source>
        <translation>Sie stimmen nicht überein</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>They match — mark verified</source>
        <translation>Sie stimmen überein – als verifiziert markieren</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../src/app/main.cpp" line="+169"/>
        <source>Tavern, a group messenger whose server is not trusted.</source>
        <translation>Tavern, ein Gruppen-Messenger, dessen Server nicht vertraut wird.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keep the account and its cache in &lt;dir&gt; (one account per profile).</source>
        <translation>Konto und Zwischenspeicher in &lt;dir&gt; ablegen (ein Konto pro Profil).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Server to sign up or log in with, e.g. wss://chat.example.org.</source>
        <translation>Server für Registrierung oder Anmeldung, z. B. wss://chat.example.org.</translation>
    </message>
</context>
<context>
    <name>tavern::app::DBusNotifier</name>
    <message>
        <location filename="../src/app/notifier.cpp" line="+56"/>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
</context>
<context>
    <name>tavern::app::NotificationText</name>
    <message>
        <location filename="../src/app/notificationtext.cpp" line="+64"/>
        <source>a room</source>
        <translation>einem Raum</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>You have new messages</source>
        <translation>Du hast neue Nachrichten</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n new messages</source>
        <translation>
            <numerusform>%n neue Nachricht</numerusform>
            <numerusform>%n neue Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 mentioned you in %2</source>
        <translation>%1 hat dich in %2 erwähnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New message</source>
        <translation>Neue Nachricht</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 invited you to %2</source>
        <translation>%1 hat dich in %2 eingeladen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open Tavern to see who is in the room, then accept or decline.</source>
        <translation>Öffne Tavern, um zu sehen, wer im Raum ist, und nimm dann an oder lehne ab.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your role in %1 changed</source>
        <translation>Deine Rolle in %1 hat sich geändert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You are now: %1.</source>
        <translation>Du bist jetzt: %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Security notice in %1</source>
        <translation>Sicherheitshinweis in %1</translation>
    </message>
</context>
<context>
    <name>tavern::app::Tray</name>
    <message>
        <location filename="../src/app/tray.cpp" line="+14"/>
        <source>Show Tavern</source>
        <translation>Tavern zeigen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Tavern</source>
        <translation>Tavern</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Tavern — %n unread message(s)</source>
        <translation>
            <numerusform>Tavern – %n ungelesene Nachricht</numerusform>
            <numerusform>Tavern – %n ungelesene Nachrichten</numerusform>
        </translation>
    </message>
</context>
</TS>
