//! A small `--name value` flag reader: the benchmarks take a handful of
//! numbers and paths and need no more.

use std::collections::HashMap;
use std::str::FromStr;

/// Flags given as `--name value` (or `--name=value`); a bare `--name` is `true`.
#[derive(Debug, Default)]
pub struct Args {
    values: HashMap<String, String>,
}

impl Args {
    /// Read the process arguments.
    pub fn from_env() -> crate::Result<Args> {
        Args::parse(std::env::args().skip(1))
    }

    /// Read flags from `raw`.
    pub fn parse(raw: impl IntoIterator<Item = String>) -> crate::Result<Args> {
        let mut values = HashMap::new();
        let mut raw = raw.into_iter().peekable();
        while let Some(argument) = raw.next() {
            let Some(name) = argument.strip_prefix("--") else {
                return Err(format!("unexpected argument {argument:?}; flags are --name value").into());
            };
            match name.split_once('=') {
                Some((name, value)) => values.insert(name.to_string(), value.to_string()),
                None => match raw.peek() {
                    Some(next) if !next.starts_with("--") => {
                        values.insert(name.to_string(), raw.next().unwrap_or_default())
                    }
                    _ => values.insert(name.to_string(), "true".to_string()),
                },
            };
        }
        Ok(Args { values })
    }

    /// The flag's value read as `T`, or `default` when absent.
    pub fn get<T: FromStr>(&self, name: &str, default: T) -> crate::Result<T>
    where
        T::Err: std::fmt::Display,
    {
        match self.values.get(name) {
            None => Ok(default),
            Some(raw) => raw.replace('_', "").parse().map_err(|error| format!("--{name} {raw:?}: {error}").into()),
        }
    }

    /// The flag's text, or `default` when absent.
    pub fn text(&self, name: &str, default: &str) -> String {
        self.values.get(name).cloned().unwrap_or_else(|| default.to_string())
    }

    /// Whether a bare flag was given.
    pub fn flag(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|value| value == "true")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_switches() {
        let args =
            Args::parse(["--rows", "1_000", "--backend=postgres", "--keep"].map(String::from)).expect("flags read");
        assert_eq!(args.get::<u64>("rows", 5).expect("a number"), 1_000);
        assert_eq!(args.get::<u64>("runs", 7).expect("the default"), 7);
        assert_eq!(args.text("backend", "sqlite"), "postgres");
        assert!(args.flag("keep"));
        assert!(Args::parse(["stray".to_string()]).is_err());
    }
}
