//! The `when` phrase corpus (crates/core/tests/data/when_corpus.tsv):
//! `now<TAB>phrase<TAB>expected` per line, `#` comments; a comment
//! `# category: NAME — about` starts a category (lines before the first are "core").

use jiff::ZonedDateTime;

/// One corpus case.
#[derive(Debug, Clone)]
pub struct Case {
    /// 1-based line in the file.
    pub line: usize,
    pub now: ZonedDateTime,
    pub phrase: String,
    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS±HH:MM` or `error`.
    pub expected: String,
    /// The category the line is in.
    pub category: String,
}

/// The category a comment line starts, if it starts one.
pub fn category_of(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("# category: ")?;
    Some(rest.split(" — ").next().unwrap_or(rest).trim())
}

/// Read every case of the corpus text; a malformed line is an error naming it.
pub fn parse(text: &str) -> crate::Result<Vec<Case>> {
    let mut cases = Vec::new();
    let mut category = "core";
    for (index, line) in text.lines().enumerate() {
        if let Some(name) = category_of(line) {
            category = name;
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [now, phrase, expected] = fields[..] else {
            return Err(format!("corpus line {}: need 3 tab-separated fields: {line:?}", index + 1).into());
        };
        let now: ZonedDateTime =
            now.parse().map_err(|error| format!("corpus line {}: bad now {now:?}: {error}", index + 1))?;
        cases.push(Case {
            line: index + 1,
            now,
            phrase: phrase.to_string(),
            expected: expected.to_string(),
            category: category.to_string(),
        });
    }
    Ok(cases)
}

/// Read the corpus file at `path`.
pub fn load(path: &str) -> crate::Result<Vec<Case>> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read corpus {path}: {error}"))?;
    parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cases_and_skips_comments() {
        let text = "# comment\n2026-11-24T10:15:00-05:00[America/New_York]\ttomorrow\t2026-11-25\n\n\
                    2026-11-24T10:15:00-05:00[America/New_York]\t\terror\n";
        let cases = parse(text).expect("corpus read");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].line, 2);
        assert_eq!(cases[0].phrase, "tomorrow");
        assert_eq!(cases[1].phrase, "");
        assert_eq!(cases[1].expected, "error");
        assert_eq!(cases[0].category, "core");
        let named =
            parse("# category: typos — misspelt\n2026-11-24T10:15:00+00:00[UTC]\ttomorow\t2026-11-25\n").unwrap();
        assert_eq!(named[0].category, "typos");
        assert!(parse("only\ttwo\n").is_err());
    }
}
