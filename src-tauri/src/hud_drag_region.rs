//! Where on the HUD a press starts the user's drag of the window: its handle, less the handle's
//! buttons. The page lays the handle out, so it reports the region (`hud_set_drag_region`).
//!
//! On Linux the app starts the drag itself from GDK's press event on the web view, and the page
//! never sees that press ([`crate::hud_gtk_drag`]). Elsewhere the page starts it
//! (`hud_start_drag` on `mousedown`).
//!
//! Pure geometry, no Tauri types, so it is unit-tested.

use serde::Deserialize;
use ts_rs::TS;

/// Most holes a region may have: the handle holds a couple of buttons, never dozens.
pub const MAX_HOLES: usize = 16;

/// An axis-aligned rectangle in the HUD page's CSS px (its viewport: `getBoundingClientRect`),
/// which on every supported webview are the window's logical px.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, TS)]
pub struct CssRect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl CssRect {
    /// Whether the point (`x`, `y`) is inside: left and top edges included, right and bottom not.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x < self.x + self.width && y >= self.y && y < self.y + self.height
    }

    fn is_valid(&self) -> bool {
        [self.x, self.y, self.width, self.height].iter().all(|v| v.is_finite()) && self.width >= 0.0 && self.height >= 0.0
    }
}

/// The HUD's drag region: presses inside `handle` and outside every one of `holes` (the handle's
/// buttons) drag the window.
#[derive(Clone, Debug, PartialEq, Deserialize, TS)]
pub struct DragRegion {
    pub handle: CssRect,
    pub holes: Vec<CssRect>,
}

/// Why a reported region was refused.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum DragRegionError {
    #[error("a rectangle of the drag region has a non-finite coordinate or a negative size")]
    BadRect,
    #[error("the drag region has {0} holes; at most {MAX_HOLES}")]
    TooManyHoles(usize),
}

impl DragRegion {
    /// Checks a region the page reported. Errors: [`DragRegionError`].
    pub fn validate(&self) -> Result<(), DragRegionError> {
        if self.holes.len() > MAX_HOLES {
            return Err(DragRegionError::TooManyHoles(self.holes.len()));
        }
        if !self.handle.is_valid() || !self.holes.iter().all(CssRect::is_valid) {
            return Err(DragRegionError::BadRect);
        }
        Ok(())
    }

    /// Whether a press at (`x`, `y`), CSS px from the page's top-left corner, drags the window.
    pub fn starts_drag(&self, x: f64, y: f64) -> bool {
        self.handle.contains(x, y) && !self.holes.iter().any(|hole| hole.contains(x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64, width: f64, height: f64) -> CssRect {
        CssRect { x, y, width, height }
    }

    /// The HUD's header: 400×41 at the top, its collapse button at the right end.
    fn header() -> DragRegion {
        DragRegion { handle: rect(0.0, 0.0, 400.0, 41.0), holes: vec![rect(364.0, 8.0, 24.0, 24.0)] }
    }

    #[test]
    fn presses_on_the_handle_drag_and_presses_on_its_buttons_do_not() {
        let region = header();
        assert!(region.starts_drag(60.0, 20.0), "on the title");
        assert!(region.starts_drag(0.0, 0.0), "top-left corner");
        assert!(region.starts_drag(363.9, 20.0), "just left of the button");
        assert!(!region.starts_drag(364.0, 20.0), "on the button's edge");
        assert!(!region.starts_drag(375.0, 20.0), "on the button");
        assert!(region.starts_drag(375.0, 5.0), "above the button, still the handle");
        assert!(!region.starts_drag(60.0, 41.0), "below the handle: the panel's content");
        assert!(!region.starts_drag(400.0, 20.0), "right of the handle");
        assert!(!region.starts_drag(-1.0, 20.0));
    }

    #[test]
    fn an_empty_handle_drags_nothing() {
        let region = DragRegion { handle: rect(10.0, 10.0, 0.0, 0.0), holes: vec![] };
        assert!(region.validate().is_ok());
        assert!(!region.starts_drag(10.0, 10.0));
    }

    #[test]
    fn bad_regions_are_refused() {
        assert_eq!(header().validate(), Ok(()));
        let mut nan = header();
        nan.handle.x = f64::NAN;
        assert_eq!(nan.validate(), Err(DragRegionError::BadRect));
        let mut negative = header();
        negative.holes[0].width = -1.0;
        assert_eq!(negative.validate(), Err(DragRegionError::BadRect));
        let mut infinite = header();
        infinite.holes.push(rect(0.0, f64::INFINITY, 1.0, 1.0));
        assert_eq!(infinite.validate(), Err(DragRegionError::BadRect));
        let many = DragRegion { handle: header().handle, holes: vec![rect(0.0, 0.0, 1.0, 1.0); MAX_HOLES + 1] };
        assert_eq!(many.validate(), Err(DragRegionError::TooManyHoles(MAX_HOLES + 1)));
    }
}
