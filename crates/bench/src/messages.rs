//! The mail of the mailbox benchmark: a user's INBOX and Sent folder as a
//! mail server keeps them, the same on every run (each message made from its
//! own index alone, so a folder is written in any order and in constant memory).
//!
//! The INBOX mixes what a working mailbox holds: a quarter of it from the
//! account's contacts (most answering a message of the Sent folder by
//! `In-Reply-To`), the rest from strangers (some answering too), newsletters
//! with `List-Id`, auto-replies and delivery reports (DSNs) for contacts'
//! addresses; bodies of a few KB, plain or `multipart/alternative`, a few
//! with an attachment bigger than the 32 KB of text a fetch takes; headers
//! as delivered (`Received`, `DKIM-Signature`, `Authentication-Results`).
//! The Sent folder holds the user's own mail to contacts (a few to strangers).

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use crate::seed::Random;

/// Someone mail is from or to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correspondent {
    pub name: String,
    /// Lower case.
    pub address: String,
}

impl Correspondent {
    /// `Name <address>`, as a header writes it.
    fn mailbox(&self) -> String {
        format!("{} <{}>", self.name, self.address)
    }
}

/// What one INBOX message is, for the checks and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A person who is a contact.
    Contact,
    /// A person who is not.
    Stranger,
    /// Mail with `List-Id` and `List-Unsubscribe`.
    Newsletter,
    /// An out-of-office answer.
    AutoReply,
    /// A delivery report for a contact's address.
    Bounce,
}

/// The mailbox of `owner`, whose account holds `contacts`.
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub owner: Correspondent,
    pub contacts: Vec<Correspondent>,
    /// Messages in the INBOX and in the Sent folder.
    pub inbox: usize,
    pub sent: usize,
    /// The newest message's date; the oldest is a year before.
    pub until: Timestamp,
}

/// Distinct strangers who write or are written to.
const STRANGERS: u64 = 20_000;

const FIRST: [&str; 16] = [
    "Ann", "Bruno", "Chen", "Dana", "Élodie", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Luca", "Mei",
    "Nadia", "Oskar", "Priya",
];
const LAST: [&str; 12] =
    ["Lee", "Okafor", "Müller", "Nakamura", "Smith", "García", "Ivanova", "O'Brien", "Dubois", "Rossi", "Kim", "Berg"];
const DOMAINS: [&str; 10] = [
    "gmail.example",
    "outlook.example",
    "acme.example",
    "globex.example",
    "initech.example",
    "umbrella.example",
    "hooli.example",
    "wayne.example",
    "fastmail.example",
    "proton.example",
];
const LISTS: [(&str, &str); 6] = [
    ("The Weekly Ledger", "news@ledger.example"),
    ("Product updates", "updates@saas.example"),
    ("Local Chamber of Commerce", "members@chamber.example"),
    ("Design digest", "digest@design.example"),
    ("Conference 2026", "hello@conf.example"),
    ("Webinar invitations", "events@webinars.example"),
];
const SUBJECTS: [&str; 12] = [
    "The revised proposal",
    "Quick question about the invoice",
    "Meeting next week?",
    "Contract draft v3",
    "Introduction: Dana and Jonas",
    "Pricing for the second phase",
    "Notes from today's call",
    "Re-scheduling Thursday",
    "Delivery dates",
    "Thanks for the referral",
    "Your quote",
    "Follow-up from the conference",
];
const SENTENCES: [&str; 14] = [
    "Thanks for sending this over so quickly; I had a first look this morning.",
    "We discussed it with the team and most of it works for us as written.",
    "The only open point is the timeline for the second phase, which looks tight given the holidays.",
    "Could you send the updated figures once finance has signed off on them?",
    "I have attached the notes from our call, including the action items we agreed on.",
    "Let me know whether Tuesday or Wednesday afternoon suits you better for a short call.",
    "Our procurement department will need a signed copy before the end of the month.",
    "I'm travelling until Friday but will check my mail in the evenings.",
    "Happy to introduce you to our operations lead, who owns the rollout on our side.",
    "The budget was approved yesterday, so we can go ahead as soon as the paperwork is done.",
    "Please also copy my colleague on the next version so that she can review the legal terms.",
    "We liked the case study you shared; the numbers on retention were particularly convincing.",
    "If it helps, I can prepare a short summary for the board meeting on the 12th.",
    "Apologies for the slow reply, it has been a busy quarter end here.",
];

impl Mailbox {
    /// The INBOX message `n` (0-based; UID `n + 1` once written into an empty folder).
    pub fn inbox_message(&self, n: usize) -> Vec<u8> {
        let mut random = Random::new(0x1b0c_0000 + n as u64);
        let date = self.date(n, self.inbox);
        let kind = self.inbox_kind(n);
        let contact = self.contacts[random.between(0, self.contacts.len() as i64 - 1) as usize].clone();
        let stranger = stranger(random.between(0, STRANGERS as i64 - 1) as u64);
        // Most of a contact's mail answers the owner's; some of a stranger's does too.
        let share = if kind == Kind::Contact { 0.6 } else { 0.2 };
        let answers =
            random.chance(share).then(|| self.sent_id(random.between(0, self.sent.max(1) as i64 - 1) as usize));
        match kind {
            Kind::Bounce => self.bounce(n, &contact, date, &mut random),
            Kind::Newsletter => {
                let (name, address) = *random.pick(&LISTS);
                let from = Correspondent { name: name.to_string(), address: address.to_string() };
                let id = list_id(address);
                let extra = format!(
                    "List-Id: {name} <{id}>\nList-Unsubscribe: <https://{}/unsubscribe?u={:x}>, <mailto:leave-{id}>\n\
                     Precedence: bulk\n",
                    domain(address),
                    random.next_u64()
                );
                let subject = format!("{name}: issue {}", n / 50 + 1);
                let body = self.body(&mut random, &from, 4, 9, None);
                self.inbound(n, &from, &subject, date, &extra, None, &body, &mut random)
            }
            Kind::AutoReply => {
                let from = if random.chance(0.5) { contact } else { stranger };
                let extra = "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n";
                let subject = format!("Automatic reply: {}", random.pick(&SUBJECTS));
                let body = format!(
                    "Hello,\n\nI am out of the office until {} with limited access to email.\n\
                     For urgent matters please contact the front desk.\n\nBest regards,\n{}\n",
                    jiff::fmt::rfc2822::to_string(
                        &(date + SignedDuration::from_hours(24 * 7)).to_zoned_datetime(TimeZone::UTC)
                    )
                    .unwrap_or_default(),
                    from.name
                );
                let body = Body::plain(body);
                self.inbound(n, &from, &subject, date, extra, None, &body, &mut random)
            }
            Kind::Contact | Kind::Stranger => {
                let from = if kind == Kind::Contact { contact } else { stranger };
                let subject = match &answers {
                    Some(_) => format!("Re: {}", random.pick(&SUBJECTS)),
                    None => random.pick(&SUBJECTS).to_string(),
                };
                let body = self.body(&mut random, &from, 2, 7, answers.as_ref().map(|_| date));
                self.inbound(n, &from, &subject, date, "", answers.as_deref(), &body, &mut random)
            }
        }
    }

    /// What INBOX message `n` is: 0.5% bounces, 3% auto-replies, 8% newsletters, 25% contacts, the rest strangers.
    pub fn inbox_kind(&self, n: usize) -> Kind {
        match Random::new(0x7a11_0000 + n as u64).between(0, 999) {
            0..5 => Kind::Bounce,
            5..35 => Kind::AutoReply,
            35..115 => Kind::Newsletter,
            115..365 => Kind::Contact,
            _ => Kind::Stranger,
        }
    }

    /// The Sent message `k`: to a contact (a few to a stranger), sometimes with a Cc.
    pub fn sent_message(&self, k: usize) -> Vec<u8> {
        let mut random = Random::new(0x5e47_0000 + k as u64);
        let date = self.date(k, self.sent);
        let to = if random.chance(0.85) {
            self.contacts[random.between(0, self.contacts.len() as i64 - 1) as usize].clone()
        } else {
            stranger(random.between(0, STRANGERS as i64 - 1) as u64)
        };
        let cc = random.chance(0.25).then(|| {
            if random.chance(0.6) {
                self.contacts[random.between(0, self.contacts.len() as i64 - 1) as usize].clone()
            } else {
                stranger(random.between(0, STRANGERS as i64 - 1) as u64)
            }
        });
        let subject = random.pick(&SUBJECTS);
        let body = self.body(&mut random, &self.owner, 2, 6, None);
        let mut head = format!(
            "From: {}\nTo: {}\n{}Subject: {subject}\nDate: {}\nMessage-ID: {}\nMIME-Version: 1.0\n\
             User-Agent: Mozilla Thunderbird\n{}",
            self.owner.mailbox(),
            to.mailbox(),
            cc.map(|cc| format!("Cc: {}\n", cc.mailbox())).unwrap_or_default(),
            rfc2822(date),
            self.sent_id(k),
            body.content_type
        );
        head.push('\n');
        head.push_str(&body.text);
        head.into_bytes()
    }

    /// The Message-ID of Sent message `k`.
    pub fn sent_id(&self, k: usize) -> String {
        let domain = domain(&self.owner.address);
        format!("<{:016x}.{k}@{domain}>", Random::new(0x1d00_0000 + k as u64).next_u64())
    }

    /// Message `n` of `count` is dated evenly over the year before `until`.
    fn date(&self, n: usize, count: usize) -> Timestamp {
        let year = 365 * 86_400;
        let before = year - (n as i64 * year) / count.max(1) as i64;
        self.until - SignedDuration::from_secs(before)
    }

    /// A delivery report: a message to a contact could not be delivered (mostly for good, some for now).
    fn bounce(&self, n: usize, contact: &Correspondent, date: Timestamp, random: &mut Random) -> Vec<u8> {
        let permanent = random.chance(0.7);
        let (status, action, diagnostic) = if permanent {
            (
                "5.1.1",
                "failed",
                format!("smtp; 550 5.1.1 <{}>: Recipient address rejected: User unknown", contact.address),
            )
        } else {
            ("4.2.2", "delayed", format!("smtp; 452 4.2.2 <{}>: Mailbox full", contact.address))
        };
        let own = domain(&self.owner.address);
        let boundary = format!("{:x}.dsn", random.next_u64());
        let original = self.sent_id(random.between(0, self.sent.max(1) as i64 - 1) as usize);
        format!(
            "Return-Path: <>\nDelivered-To: {owner}\nReceived: by mx.{own} (Postfix)\n\tid {id:X}; {date}\n\
             From: Mail Delivery System <MAILER-DAEMON@mx.{own}>\nTo: {owner}\n\
             Subject: Undelivered Mail Returned to Sender\nDate: {date}\nMessage-ID: <{n}.dsn@mx.{own}>\n\
             Auto-Submitted: auto-replied\nMIME-Version: 1.0\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\n\n\
             --{boundary}\nContent-Type: text/plain; charset=us-ascii\n\n\
             This is the mail system at host mx.{own}.\n\nI'm sorry to have to inform you that your message could not\n\
             be delivered to one or more recipients.\n\n<{address}>: {diagnostic}\n\n\
             --{boundary}\nContent-Type: message/delivery-status\n\n\
             Reporting-MTA: dns; mx.{own}\nArrival-Date: {date}\n\n\
             Final-Recipient: rfc822; {address}\nOriginal-Recipient: rfc822;{address}\nAction: {action}\n\
             Status: {status}\nRemote-MTA: dns; mx.{their}\nDiagnostic-Code: {diagnostic}\n\n\
             --{boundary}\nContent-Type: text/rfc822-headers\n\n\
             From: {owner_box}\nTo: {to}\nSubject: {subject}\nMessage-ID: {original}\n\n--{boundary}--\n",
            owner = self.owner.address,
            id = random.next_u64(),
            date = rfc2822(date),
            address = contact.address,
            their = domain(&contact.address),
            owner_box = self.owner.mailbox(),
            to = contact.mailbox(),
            subject = random.pick(&SUBJECTS),
        )
        .into_bytes()
    }

    /// A message as delivered to the owner: the delivery headers, then the sender's.
    #[allow(clippy::too_many_arguments)]
    fn inbound(
        &self,
        n: usize,
        from: &Correspondent,
        subject: &str,
        date: Timestamp,
        extra: &str,
        answers: Option<&str>,
        body: &Body,
        random: &mut Random,
    ) -> Vec<u8> {
        let their = domain(&from.address);
        let own = domain(&self.owner.address);
        let delivered = rfc2822(date + SignedDuration::from_secs(random.between(1, 40)));
        let threading = answers.map(|id| format!("In-Reply-To: {id}\nReferences: {id}\n")).unwrap_or_default();
        let mut message = format!(
            "Return-Path: <{address}>\nDelivered-To: {owner}\n\
             Received: from mail.{their} (mail.{their} [198.51.100.{ip}])\n\tby mx.{own} (Postfix) with ESMTPS id \
             {queue:X}\n\tfor <{owner}>; {delivered}\n\
             Received: from [10.0.{ip}.{ip2}] (unknown [10.0.{ip}.{ip2}])\n\tby mail.{their} (Postfix) with ESMTPSA \
             id {queue2:X};\n\t{sent}\n\
             DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={their}; s=mail2026;\n\t\
             h=from:to:subject:date:message-id:mime-version:content-type;\n\tbh={bh};\n\tb={b1}\n\t {b2}\n\t {b3}\n\
             Authentication-Results: mx.{own};\n\tdkim=pass (2048-bit key) header.d={their};\n\t\
             spf=pass (mx.{own}: domain of {address} designates 198.51.100.{ip} as permitted sender) \
             smtp.mailfrom={address}\n\
             From: {from_box}\nTo: {owner_box}\nSubject: {subject}\nDate: {sent}\n\
             Message-ID: <{id:016x}.{n}@mail.{their}>\n{threading}{extra}MIME-Version: 1.0\n{content_type}\n",
            address = from.address,
            owner = self.owner.address,
            ip = random.between(2, 250),
            ip2 = random.between(2, 250),
            queue = random.next_u64() >> 24,
            queue2 = random.next_u64() >> 24,
            sent = rfc2822(date),
            bh = noise(random, 44),
            b1 = noise(random, 70),
            b2 = noise(random, 70),
            b3 = noise(random, 60),
            from_box = from.mailbox(),
            owner_box = self.owner.mailbox(),
            id = random.next_u64(),
            content_type = body.content_type,
        );
        message.push_str(&body.text);
        message.into_bytes()
    }

    /// A body of `low..=high` paragraphs signed by `from`, quoting the owner's
    /// message when it answers one (sent at `answering`): plain (60%),
    /// `multipart/alternative` (37%), or with an attachment of some 45 KB (3%).
    fn body(
        &self,
        random: &mut Random,
        from: &Correspondent,
        low: i64,
        high: i64,
        answering: Option<Timestamp>,
    ) -> Body {
        let first = from.name.split(' ').next().unwrap_or_default();
        let mut text = format!("Hi {},\n\n", self.owner.name.split(' ').next().unwrap_or_default());
        for _ in 0..random.between(low, high) {
            for _ in 0..random.between(2, 4) {
                text.push_str(random.pick::<&str>(&SENTENCES));
                text.push(' ');
            }
            text.pop();
            text.push_str("\n\n");
        }
        text.push_str(&format!("Best,\n{first}\n\n-- \n{}\n{}\n", from.name, from.address));
        if let Some(at) = answering {
            text.push_str(&format!(
                "\nOn {}, {} wrote:\n",
                rfc2822(at - SignedDuration::from_hours(30)),
                self.owner.mailbox()
            ));
            for _ in 0..random.between(2, 6) {
                text.push_str("> ");
                text.push_str(random.pick::<&str>(&SENTENCES));
                text.push('\n');
            }
        }
        let text = wrap(&text);
        match random.between(0, 99) {
            0..60 => Body::plain(text),
            60..97 => {
                let boundary = format!("alt-{:x}", random.next_u64());
                let html: String = text
                    .split("\n\n")
                    .map(|paragraph| format!("<p>{}</p>\n", paragraph.replace('&', "&amp;").replace('<', "&lt;")))
                    .collect();
                Body {
                    content_type: format!("Content-Type: multipart/alternative; boundary=\"{boundary}\"\n"),
                    text: format!(
                        "--{boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\
                         {text}\n--{boundary}\nContent-Type: text/html; charset=utf-8\n\
                         Content-Transfer-Encoding: 8bit\n\n<html><body>\n{html}</body></html>\n--{boundary}--\n"
                    ),
                }
            }
            _ => {
                let boundary = format!("mixed-{:x}", random.next_u64());
                let lines: String = (0..600).map(|_| noise(random, 76) + "\n").collect();
                Body {
                    content_type: format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\n"),
                    text: format!(
                        "--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{text}\n--{boundary}\n\
                         Content-Type: application/pdf; name=\"proposal.pdf\"\n\
                         Content-Disposition: attachment; filename=\"proposal.pdf\"\n\
                         Content-Transfer-Encoding: base64\n\n{lines}--{boundary}--\n"
                    ),
                }
            }
        }
    }
}

/// A message body with the Content-Type header line it needs.
struct Body {
    content_type: String,
    text: String,
}

impl Body {
    fn plain(text: String) -> Body {
        Body { content_type: "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n".into(), text }
    }
}

/// Stranger `index`: one of [`STRANGERS`] people at common domains.
fn stranger(index: u64) -> Correspondent {
    let first = FIRST[(index % FIRST.len() as u64) as usize];
    let last = LAST[(index / FIRST.len() as u64 % LAST.len() as u64) as usize];
    let domain = DOMAINS[(index % DOMAINS.len() as u64) as usize];
    let local = format!("{first}.{last}{index}").to_lowercase().replace('é', "e").replace('ü', "u").replace('\'', "");
    Correspondent { name: format!("{first} {last}"), address: format!("{local}@{domain}") }
}

/// The domain of an address.
fn domain(address: &str) -> &str {
    address.rsplit_once('@').map_or(address, |(_, domain)| domain)
}

/// A list's id made from its address: `news@ledger.example` → `news.ledger.example`.
fn list_id(address: &str) -> String {
    address.replace('@', ".")
}

fn rfc2822(at: Timestamp) -> String {
    jiff::fmt::rfc2822::to_string(&at.to_zoned_datetime(TimeZone::fixed(jiff::tz::offset(-5)))).unwrap_or_default()
}

/// `length` base64-looking characters.
fn noise(random: &mut Random, length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..length).map(|_| ALPHABET[(random.next_u64() % 64) as usize] as char).collect()
}

/// Text wrapped at 76 columns, as mail clients send it.
fn wrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 60);
    for line in text.split('\n') {
        let mut width = 0;
        for (index, word) in line.split(' ').enumerate() {
            if index > 0 {
                if width + 1 + word.chars().count() > 76 {
                    out.push('\n');
                    width = 0;
                } else {
                    out.push(' ');
                    width += 1;
                }
            }
            out.push_str(word);
            width += word.chars().count();
        }
        out.push('\n');
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox() -> Mailbox {
        let contacts = (0..50)
            .map(|i| Correspondent { name: format!("Contact {i}"), address: format!("contact{i}@client.example") })
            .collect();
        Mailbox {
            owner: Correspondent { name: "Sam Stone".into(), address: "sam@stone.example".into() },
            contacts,
            inbox: 2_000,
            sent: 200,
            until: "2026-11-24T14:00:00Z".parse().expect("a time"),
        }
    }

    #[test]
    fn the_inbox_mixes_kinds_and_reads_as_mail() {
        let mailbox = mailbox();
        let kinds: Vec<Kind> = (0..2_000).map(|n| mailbox.inbox_kind(n)).collect();
        let share = |kind: Kind| kinds.iter().filter(|k| **k == kind).count();
        assert!((400..600).contains(&share(Kind::Contact)), "{}", share(Kind::Contact));
        assert!((1_100..1_400).contains(&share(Kind::Stranger)), "{}", share(Kind::Stranger));
        assert!(share(Kind::Bounce) > 0 && share(Kind::AutoReply) > 20 && share(Kind::Newsletter) > 100);
        let sizes: Vec<usize> = (0..2_000).map(|n| mailbox.inbox_message(n).len()).collect();
        let average = sizes.iter().sum::<usize>() / sizes.len();
        assert!((2_500..9_000).contains(&average), "average {average} bytes");
        assert_eq!(mailbox.inbox_message(7), mailbox.inbox_message(7), "the same on every run");
        for n in 0..200 {
            let text = String::from_utf8(mailbox.inbox_message(n)).expect("UTF-8");
            let head = text.split("\n\n").next().unwrap_or_default();
            assert!(head.contains("\nFrom: ") && head.contains("\nMessage-ID: <"), "{head}");
            if mailbox.inbox_kind(n) == Kind::Contact {
                assert!(mailbox.contacts.iter().any(|c| head.contains(&format!("<{}>", c.address))), "{head}");
            }
        }
        let sent = String::from_utf8(mailbox.sent_message(3)).expect("UTF-8");
        assert!(sent.starts_with("From: Sam Stone <sam@stone.example>\n"), "{sent}");
        assert!(sent.contains(&format!("Message-ID: {}\n", mailbox.sent_id(3))));
    }

    #[test]
    fn text_is_wrapped() {
        let wrapped = wrap(&"word ".repeat(40));
        assert!(wrapped.lines().all(|line| line.chars().count() <= 76), "{wrapped}");
    }

    /// The INBOX as fetched: CRLF line ends, the text cut at 32 KiB.
    fn fetched(mailbox: &Mailbox) -> Vec<Vec<u8>> {
        (0..mailbox.inbox)
            .map(|n| {
                let crlf = String::from_utf8(mailbox.inbox_message(n)).expect("UTF-8").replace('\n', "\r\n");
                let split = crlf.find("\r\n\r\n").map_or(crlf.len(), |at| at + 4);
                let end = (split + 32 * 1024).min(crlf.len());
                crlf.as_bytes()[..end].to_vec()
            })
            .collect()
    }

    /// Delivered mail (`Received`, `DKIM-Signature`, reports, lists, attachments)
    /// reads the same with mail-parser set to read only the fields used.
    #[test]
    fn the_inbox_reads_the_same_reading_only_the_fields_used() {
        let mailbox = mailbox();
        for (uid, raw) in fetched(&mailbox).iter().enumerate().take(600) {
            let lean = tickler_mail::InboundMessage::parse(uid as u32, raw, None);
            assert_eq!(lean, tickler_mail::InboundMessage::parse_reading_every_field(uid as u32, raw, None));
            assert!(lean.date.is_some() && !lean.subject.is_empty() && !lean.snippet().is_empty(), "{lean:?}");
        }
    }

    /// What parsing costs per message of this INBOX, as fetched (CRLF, the text
    /// cut at 32 KiB), without a mail server: as the sync reads a message that
    /// never needs its body (a stranger's, a list's), as it reads one that
    /// becomes a touch (the snippet asked for), and read whole at once with
    /// mail-parser reading every field (as parsing first did):
    /// `cargo test -p tickler-bench --release --lib -- --ignored --nocapture parsing_the_inbox`.
    #[test]
    #[ignore = "a timing, not a check"]
    fn parsing_the_inbox() {
        let mailbox = Mailbox { inbox: 11_000, sent: 1_000, ..mailbox() };
        let raws = fetched(&mailbox);
        let each = |took: std::time::Duration| took / raws.len() as u32;
        for round in 0..3 {
            let start = std::time::Instant::now();
            for (uid, raw) in raws.iter().enumerate() {
                std::hint::black_box(tickler_mail::InboundMessage::parse(uid as u32, raw, None));
            }
            let header = start.elapsed();
            let start = std::time::Instant::now();
            for (uid, raw) in raws.iter().enumerate() {
                let message = tickler_mail::InboundMessage::parse(uid as u32, raw, None);
                std::hint::black_box(message.snippet());
            }
            let snippet = start.elapsed();
            let start = std::time::Instant::now();
            for (uid, raw) in raws.iter().enumerate() {
                std::hint::black_box(tickler_mail::InboundMessage::parse_reading_every_field(uid as u32, raw, None));
            }
            let whole = start.elapsed();
            println!(
                "round {round}: {} messages, each {:?} read as the sync reads it, {:?} with its snippet, \
                 {:?} read whole at once reading every field",
                raws.len(),
                each(header),
                each(snippet),
                each(whole)
            );
        }
    }
}
