//! Stage 5: consistency checks over one document's measures, dates and cells.
//! Each check is one unit (its own file) with an id, a default severity,
//! a one-line rationale and the relation it verifies.

mod changes;
mod common;
pub mod era_vs_western;
mod grid;
pub mod implied_base_drift;
pub mod invalid_date;
pub mod period_length;
pub mod prose_arithmetic;
pub mod rate_parts_vs_total;
pub mod rate_vs_ratio;
pub mod relisted_mismatch;
pub mod sequence_vs_period;
mod shares;
#[cfg(test)]
mod testutil;
pub mod total_vs_parts;
pub mod weekday_vs_date;

use std::collections::BTreeMap;

pub use common::Settings;

use crate::model::{Block, Cell, DateMention, DocOutput, Finding, Measure, Severity};

/// What one document offers to the checks (rows as written to the datasets,
/// so `planfacts check` can re-run them from an existing `out/`).
#[derive(Debug, Clone, Copy)]
pub struct DocFacts<'a> {
    pub doc_id: &'a str,
    pub measures: &'a [Measure],
    pub dates: &'a [DateMention],
    pub cells: &'a [Cell],
    /// The document's blocks: a table's caption (`n＝2,048`) and a
    /// key-value line's key (`構成比: …`) name what its figures are.
    pub blocks: &'a [Block],
}

/// Settings from `planfacts.toml` (all checks on, default severities and
/// tolerances when there is no file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `[checks.<id>]` tables, by check id; a check without one runs as catalogued.
    pub checks: BTreeMap<String, CheckConfig>,
}

/// One `[checks.<id>]` table. Unset fields keep the check's defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckConfig {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    /// Multiplies the tolerance the printed precision gives.
    pub tolerance_factor: Option<f64>,
    /// Replaces that tolerance, in the compared unit.
    pub tolerance: Option<f64>,
}

impl Config {
    /// Parse `planfacts.toml` text; an unknown key is an error naming the key.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("invalid TOML: {}", e.message()))?;
        let mut config = Config::default();
        for (key, value) in &table {
            if key != "checks" {
                return Err(format!("unknown key `{key}`"));
            }
            let checks = value
                .as_table()
                .ok_or_else(|| "`checks` must be a table of `[checks.<id>]` tables".to_string())?;
            for (id, value) in checks {
                if !CHECKS.iter().any(|c| c.id == id) {
                    return Err(format!("unknown key `checks.{id}` (no such check)"));
                }
                let fields = value
                    .as_table()
                    .ok_or_else(|| format!("`checks.{id}` must be a table"))?;
                config
                    .checks
                    .insert(id.clone(), CheckConfig::from_table(id, fields)?);
            }
        }
        Ok(config)
    }

    /// Is the check `id` on?
    pub fn enabled(&self, id: &str) -> bool {
        self.checks.get(id).and_then(|c| c.enabled).unwrap_or(true)
    }

    /// The tolerance settings of check `id`.
    pub fn settings(&self, id: &str) -> Settings {
        let c = self.checks.get(id);
        Settings {
            tolerance_factor: c.and_then(|c| c.tolerance_factor).unwrap_or(1.0),
            tolerance: c.and_then(|c| c.tolerance),
        }
    }
}

impl CheckConfig {
    fn from_table(id: &str, fields: &toml::Table) -> Result<CheckConfig, String> {
        let mut out = CheckConfig::default();
        let number = |key: &str, v: &toml::Value| -> Result<f64, String> {
            let n = match v {
                toml::Value::Float(f) => *f,
                toml::Value::Integer(i) => *i as f64,
                _ => return Err(format!("`checks.{id}.{key}` must be a number")),
            };
            if n.is_finite() && n >= 0.0 {
                Ok(n)
            } else {
                Err(format!("`checks.{id}.{key}` must be a finite number ≥ 0"))
            }
        };
        for (key, v) in fields {
            match key.as_str() {
                "enabled" => {
                    out.enabled =
                        Some(v.as_bool().ok_or_else(|| {
                            format!("`checks.{id}.enabled` must be true or false")
                        })?);
                }
                "severity" => {
                    let s = v.as_str().and_then(Severity::parse).ok_or_else(|| {
                        format!("`checks.{id}.severity` must be \"info\", \"warning\" or \"error\"")
                    })?;
                    out.severity = Some(s);
                }
                "tolerance_factor" => out.tolerance_factor = Some(number(key, v)?),
                "tolerance" => out.tolerance = Some(number(key, v)?),
                _ => return Err(format!("unknown key `checks.{id}.{key}`")),
            }
        }
        if out.tolerance.is_some() && out.tolerance_factor.is_some() {
            return Err(format!(
                "`checks.{id}`: set either `tolerance` (absolute) or `tolerance_factor` (relative), not both"
            ));
        }
        Ok(out)
    }
}

struct CheckDef {
    id: &'static str,
    severity: Severity,
    rationale: &'static str,
    run: fn(&DocFacts<'_>, &Settings) -> Vec<Finding>,
}

/// Every check, in SPEC order.
const CHECKS: [CheckDef; 10] = [
    CheckDef {
        id: total_vs_parts::ID,
        severity: total_vs_parts::SEVERITY,
        rationale: total_vs_parts::RATIONALE,
        run: total_vs_parts::run,
    },
    CheckDef {
        id: rate_vs_ratio::ID,
        severity: rate_vs_ratio::SEVERITY,
        rationale: rate_vs_ratio::RATIONALE,
        run: rate_vs_ratio::run,
    },
    CheckDef {
        id: rate_parts_vs_total::ID,
        severity: rate_parts_vs_total::SEVERITY,
        rationale: rate_parts_vs_total::RATIONALE,
        run: rate_parts_vs_total::run,
    },
    CheckDef {
        id: implied_base_drift::ID,
        severity: implied_base_drift::SEVERITY,
        rationale: implied_base_drift::RATIONALE,
        run: implied_base_drift::run,
    },
    CheckDef {
        id: era_vs_western::ID,
        severity: era_vs_western::SEVERITY,
        rationale: era_vs_western::RATIONALE,
        run: era_vs_western::run,
    },
    CheckDef {
        id: weekday_vs_date::ID,
        severity: weekday_vs_date::SEVERITY,
        rationale: weekday_vs_date::RATIONALE,
        run: weekday_vs_date::run,
    },
    CheckDef {
        id: period_length::ID,
        severity: period_length::SEVERITY,
        rationale: period_length::RATIONALE,
        run: period_length::run,
    },
    CheckDef {
        id: sequence_vs_period::ID,
        severity: sequence_vs_period::SEVERITY,
        rationale: sequence_vs_period::RATIONALE,
        run: sequence_vs_period::run,
    },
    CheckDef {
        id: relisted_mismatch::ID,
        severity: relisted_mismatch::SEVERITY,
        rationale: relisted_mismatch::RATIONALE,
        run: relisted_mismatch::run,
    },
    CheckDef {
        id: invalid_date::ID,
        severity: invalid_date::SEVERITY,
        rationale: invalid_date::RATIONALE,
        run: invalid_date::run,
    },
];

/// The checks over one parsed document, as [`check_document`] runs them
/// (none for a document that could not be read).
pub fn check_output(out: &DocOutput, config: &Config) -> Vec<Finding> {
    out.document.as_ref().map_or_else(Vec::new, |doc| {
        check_document(
            &DocFacts {
                doc_id: &doc.doc_id,
                measures: &out.measures,
                dates: &out.dates,
                cells: &out.cells,
                blocks: &out.blocks,
            },
            config,
        )
    })
}

/// Run every enabled check over one document. `finding_id`s are left 0:
/// the caller numbers all findings once they are sorted.
pub fn check_document(facts: &DocFacts<'_>, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in CHECKS.iter().filter(|c| config.enabled(c.id)) {
        let severity = config.checks.get(check.id).and_then(|c| c.severity);
        let settings = config.settings(check.id);
        // Arithmetic stated inside a sentence is reported under the check it belongs to.
        let in_prose = prose_arithmetic::run(check.id, facts, &settings);
        for mut f in (check.run)(facts, &settings).into_iter().chain(in_prose) {
            if let Some(s) = severity {
                f.severity = s;
            }
            out.push(f);
        }
    }
    out.sort_by(|a, b| {
        (
            a.line,
            a.col,
            &a.check,
            &a.measure_ids,
            &a.message,
            &a.expected,
            &a.actual,
        )
            .cmp(&(
                b.line,
                b.col,
                &b.check,
                &b.measure_ids,
                &b.message,
                &b.expected,
                &b.actual,
            ))
    });
    out
}

/// Every check: (id, default severity, rationale), in a fixed order.
pub fn catalogue() -> Vec<(&'static str, Severity, &'static str)> {
    CHECKS
        .iter()
        .map(|c| (c.id, c.severity, c.rationale))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::testutil::{facts, kpi_row, measure};
    use super::*;
    use crate::model::Stance;

    #[test]
    fn catalogue_lists_the_ten_checks_in_spec_order() {
        let ids: Vec<&str> = catalogue().iter().map(|c| c.0).collect();
        assert_eq!(
            ids,
            [
                "total_vs_parts",
                "rate_vs_ratio",
                "rate_parts_vs_total",
                "implied_base_drift",
                "era_vs_western",
                "weekday_vs_date",
                "period_length",
                "sequence_vs_period",
                "relisted_mismatch",
                "invalid_date"
            ]
        );
        assert!(catalogue().iter().all(|c| !c.2.is_empty()));
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::from_toml("[checks.rate_vs_ratio]\ntolerence = 0.1\n").unwrap_err();
        assert!(err.contains("`checks.rate_vs_ratio.tolerence`"), "{err}");
        let err = Config::from_toml("[checks.rate_vs_ration]\nenabled = false\n").unwrap_err();
        assert!(err.contains("`checks.rate_vs_ration`"), "{err}");
        let err = Config::from_toml("[output]\ndir = \"out\"\n").unwrap_err();
        assert!(err.contains("`output`"), "{err}");
        assert!(Config::from_toml("[checks.invalid_date]\nseverity = \"fatal\"\n").is_err());
        assert!(Config::from_toml("[checks.rate_vs_ratio]\ntolerance = -1\n").is_err());
        assert!(Config::from_toml(
            "[checks.rate_vs_ratio]\ntolerance = 0.1\ntolerance_factor = 2\n"
        )
        .is_err());
        assert!(Config::from_toml("checks = 3").is_err());
        assert!(Config::from_toml("[checks").is_err());
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(Config::from_toml(""), Ok(Config::default()));
    }

    fn wrong_row() -> Vec<Measure> {
        let mut row = kpi_row();
        row[1] = measure(2, 2, 3, Stance::Achieved, (2020, 2023), "3,700");
        row
    }

    #[test]
    fn severity_override_and_disable_apply() {
        let row = wrong_row();
        let f = facts(&row, &[], &[]);
        let found = check_document(&f, &Config::default());
        // 3,700 is both off the yearly sum and off 111.6% of 3,300.
        let checks: Vec<&str> = found.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(checks, ["total_vs_parts", "rate_vs_ratio"]);
        assert!(found
            .iter()
            .all(|f| f.severity == Severity::Error && f.finding_id == 0));

        let config = Config::from_toml("[checks.total_vs_parts]\nseverity = \"info\"\n[checks.rate_vs_ratio]\nenabled = false\n").unwrap();
        let found = check_document(&f, &config);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn tolerance_settings_widen_or_replace() {
        let row = wrong_row();
        let f = facts(&row, &[], &[]);
        let loose = Config::from_toml("[checks.total_vs_parts]\ntolerance = 20\n").unwrap();
        assert!(check_document(&f, &loose)
            .iter()
            .all(|f| f.check != "total_vs_parts"));
        // Any factor times the zero tolerance of exact counts is still zero.
        let factor =
            Config::from_toml("[checks.total_vs_parts]\ntolerance_factor = 2.0\n").unwrap();
        assert!(check_document(&f, &factor)
            .iter()
            .any(|f| f.check == "total_vs_parts"));
    }

    #[test]
    fn findings_come_sorted_by_position() {
        let mut row = wrong_row();
        row[4] = measure(5, 2, 6, Stance::Achieved, (2020, 2020), "23.8%");
        let found = check_document(&facts(&row, &[], &[]), &Config::default());
        let keys: Vec<(u32, u32)> = found.iter().map(|f| (f.line, f.col)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn nothing_in_nothing_out() {
        assert!(check_document(&facts(&[], &[], &[]), &Config::default()).is_empty());
    }
}
