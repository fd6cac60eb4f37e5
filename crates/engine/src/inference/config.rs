//! A fit's config: what users write as one flat JSON object (`mmm_fit`'s `config`), split into
//! the model's specification and the sampler's settings. Each key belongs to exactly one of
//! them; the SQL layer takes its own keys (progress, names) off first.

use super::settings::SamplerSettings;
use crate::model::spec::{ModelSpec, SpecError};
use serde_json::{Map, Value};

/// The model to fit and how to sample it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FitConfig {
    pub spec: ModelSpec,
    pub sampler: SamplerSettings,
}

impl FitConfig {
    /// Parses a flat config object, naming the offending key in every error.
    pub fn from_json(v: &Value) -> Result<FitConfig, SpecError> {
        let Some(obj) = v.as_object() else {
            return Err(SpecError::Config(format!("config must be a JSON object, got {v}")));
        };
        let sampler_keys = keys_of(&SamplerSettings::default());
        let spec_keys = ModelSpec::keys();
        let (mut spec, mut sampler) = (Map::new(), Map::new());
        for (k, value) in obj {
            let part = if sampler_keys.contains(k) {
                &mut sampler
            } else if spec_keys.contains(k) {
                &mut spec
            } else {
                let known: Vec<_> = spec_keys.iter().chain(&sampler_keys).map(|k| format!("`{k}`")).collect();
                return Err(SpecError::Config(format!("unknown key `{k}`, expected one of {}", known.join(", "))));
            };
            part.insert(k.clone(), value.clone());
        }
        Ok(FitConfig {
            spec: ModelSpec::from_json(&Value::Object(spec))?,
            sampler: SamplerSettings::from_json(&Value::Object(sampler))?,
        })
    }

    /// The flat object this config is stored as (every key, defaults included).
    pub fn to_json(&self) -> Value {
        let mut obj = as_object(&self.spec);
        obj.extend(as_object(&self.sampler));
        Value::Object(obj)
    }

    /// Fills the seed (drawn when absent) so that the recorded config reproduces the fit.
    pub fn with_seed(self) -> FitConfig {
        FitConfig { sampler: self.sampler.with_seed(), ..self }
    }
}

fn as_object(v: &impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(obj)) => obj,
        _ => unreachable!("configs serialise as objects"),
    }
}

/// The JSON keys of a config part: those of its serialised default.
fn keys_of(v: &impl serde::Serialize) -> Vec<String> {
    as_object(v).into_iter().map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_flat_object_splits_into_spec_and_sampler() {
        let c = FitConfig::from_json(&json!({"l_max": 4, "chains": 2, "seed": 9, "priors": {}})).unwrap();
        assert_eq!((c.spec.l_max, c.sampler.chains, c.sampler.seed), (4, 2, Some(9)));
        assert_eq!(c.sampler.target_accept, 0.8);
        assert_eq!(c.sampler.mass_matrix, super::super::MassMatrix::Diag);
        let stored = c.to_json();
        assert_eq!(stored["l_max"], 4);
        assert_eq!(stored["draws"], 1000);
        assert_eq!(FitConfig::from_json(&stored).unwrap(), c);
    }

    #[test]
    fn errors_name_the_key() {
        let err = |v: Value| FitConfig::from_json(&v).unwrap_err().to_string();
        assert!(err(json!({"l_maxx": 8})).contains("l_maxx"));
        assert!(err(json!({"l_max": "eight"})).contains("l_max"));
        assert!(err(json!({"target_accept": 1.5})).contains("target_accept"));
        assert!(err(json!({"chains": "four"})).contains("chains"));
        let dense = err(json!({"mass_matrix": "dense"}));
        assert!(dense.contains("mass_matrix") && dense.contains("low_rank"), "{dense}");
        assert!(err(json!({"adstock": "exponential"})).contains("adstock"));
        assert!(err(json!([1])).contains("object"));
    }
}
