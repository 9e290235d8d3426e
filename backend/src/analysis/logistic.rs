//! A fitted logistic regression: the form of the checklist and objection models.

/// Weights of a logistic regression over a fixed list of features (`data/*_model.json`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LogisticModel {
    /// Where the weights come from.
    #[serde(rename = "_about")]
    pub about: String,
    /// One weight per feature, in the order its index computes them.
    pub weights: Vec<f32>,
    /// Intercept.
    pub bias: f32,
}

impl LogisticModel {
    /// A built-in model from `json`, with `features` weights. Panics if the file is malformed
    /// or has another number of weights (a build defect, caught by every analysis test).
    pub fn builtin(json: &str, features: usize) -> Self {
        let model: Self = serde_json::from_str(json).expect("valid built-in model");
        assert_eq!(model.weights.len(), features, "built-in model with the wrong number of weights");
        model
    }

    /// Probability (0–1) that the pair with `features` is a match.
    pub fn probability(&self, features: &[f32]) -> f32 {
        let z = self.bias + self.weights.iter().zip(features).map(|(w, x)| w * x).sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_is_the_logistic_of_the_weighted_sum() {
        let mut model = LogisticModel { about: String::new(), weights: vec![0.0; 3], bias: 0.0 };
        assert!((model.probability(&[1.0; 3]) - 0.5).abs() < 1e-6);
        model.weights[0] = 2.0;
        model.bias = -1.0;
        assert!((model.probability(&[0.5, 0.0, 0.0]) - 0.5).abs() < 1e-6);
        assert!((model.probability(&[1.0, 0.0, 0.0]) - 1.0 / (1.0 + (-1.0f32).exp())).abs() < 1e-6);
    }
}
