//! Which of the HUD window's moves are remembered, and where the HUD is.
//!
//! The OS reports every move of the HUD the same way (a `Moved` event with the new top-left
//! corner): the user's drags, the app's own placements (opening, compact ⇄ expanded), and the
//! window manager's (placing a mapped window, e.g. on the pointer's monitor). Only the user's
//! drags are remembered: a drag the user starts on the HUD's handle (`hud_start_drag`, or on
//! Linux GDK's press event there, `hud_gtk_drag`) makes the moves that follow the user's, until
//! the app next moves, resizes, shows or hides the HUD itself. (A drag's end is not observable
//! across platforms — on X11 the window manager keeps the button's release — so the app's own
//! next change of the window ends it.)
//!
//! Pure state, no Tauri types, so the rule is unit-tested; `hud.rs` feeds it the window's events.

use crate::placement::{self, Monitor, PlacementError, Point, Remembered, Size};

/// The HUD's move state: whether the user is dragging it, and its last known top-left corner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HudMoves {
    user_drag: bool,
    position: Option<Point>,
}

impl HudMoves {
    /// The user pressed on the HUD's handle: the window manager moves the window with the
    /// pointer from now on, and those moves are remembered.
    pub fn drag_started(&mut self) {
        self.user_drag = true;
    }

    /// The app itself changes the window: moves it to `to` (physical px) when given, or resizes,
    /// shows or hides it. Ends the user's drag: the moves this causes are not remembered.
    pub fn app_changed(&mut self, to: Option<Point>) {
        self.user_drag = false;
        if to.is_some() {
            self.position = to;
        }
    }

    /// The OS reports the HUD's top-left corner at `position` (physical px; the window's outer
    /// size `size`, logical px). Records it as the HUD's known position and, during the user's
    /// drag, remembers it in `remembered` for the monitor holding the HUD
    /// ([`placement::remember`]). Returns that monitor's index, `None` when the move is not the
    /// user's. Errors: those of [`placement::remember`] (no monitor, a bad scale factor).
    pub fn moved(&mut self, remembered: &mut Remembered, monitors: &[Monitor], position: Point, size: Size) -> Result<Option<usize>, PlacementError> {
        self.position = Some(position);
        if !self.user_drag {
            return Ok(None);
        }
        placement::remember(remembered, monitors, position, size).map(Some)
    }

    /// Where the HUD's top-left corner is (physical px): the app's last placement or the OS's
    /// last report, whichever came later; `None` before the HUD was first placed.
    pub fn position(&self) -> Option<Point> {
        self.position
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::Rect;

    const HUD: Size = Size { width: 400.0, height: 560.0 };

    /// The desktop tests' layout: a 1280×1024 monitor left of the primary 1920×1080 one.
    fn monitors() -> Vec<Monitor> {
        let m = |name: &str, x: i32, width: u32, height: u32| {
            let frame = Rect { x, y: 0, width, height };
            Monitor { name: Some(name.into()), frame, work_area: frame, scale: 1.0 }
        };
        vec![m("DUMMY0", 0, 1280, 1024), m("DUMMY1", 1280, 1920, 1080)]
    }

    #[test]
    fn only_moves_after_the_user_starts_a_drag_are_remembered() {
        let monitors = monitors();
        let mut saved = Remembered::default();
        let mut moves = HudMoves::default();
        assert_eq!(moves.position(), None);

        // Opening: the app places the HUD top-centre of the primary; the window manager maps it
        // first where it likes (the other monitor) and reports the placement after.
        moves.app_changed(Some(Point { x: 2040, y: 8 }));
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 0, y: 0 }, HUD), Ok(None));
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 2040, y: 8 }, HUD), Ok(None));
        assert_eq!(saved, Remembered::default(), "the app's and the window manager's moves are not remembered");
        assert_eq!(moves.position(), Some(Point { x: 2040, y: 8 }));

        // The user drags it onto the left monitor: each step is remembered there.
        moves.drag_started();
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 1500, y: 100 }, HUD), Ok(Some(1)));
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 300, y: 400 }, HUD), Ok(Some(0)));
        let dragged = saved.clone();
        assert_eq!(dragged.last.as_deref(), Some("DUMMY0@1280x1024"));
        assert_eq!(dragged.offsets["DUMMY0@1280x1024"], placement::Offset { x: 300.0, y: 400.0 });

        // Compact ⇄ expanded: the app resizes (and may move) the window; the moves the OS reports
        // for it change nothing remembered.
        moves.app_changed(None);
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 300, y: 400 }, HUD), Ok(None));
        moves.app_changed(Some(Point { x: 300, y: 300 }));
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 300, y: 300 }, HUD), Ok(None));
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 2500, y: 8 }, HUD), Ok(None), "nor does the window manager's");
        assert_eq!(saved, dragged);
        assert_eq!(moves.position(), Some(Point { x: 2500, y: 8 }), "the OS's last report is where the HUD is");

        // A new drag is remembered again.
        moves.drag_started();
        assert_eq!(moves.moved(&mut saved, &monitors, Point { x: 1400, y: 200 }, HUD), Ok(Some(1)));
        assert_eq!(saved.last.as_deref(), Some("DUMMY1@1920x1080"));
        assert_eq!(saved.offsets["DUMMY1@1920x1080"], placement::Offset { x: 120.0, y: 200.0 });
        assert_eq!(saved.offsets["DUMMY0@1280x1024"], placement::Offset { x: 300.0, y: 400.0 }, "each monitor keeps its own");
    }

    #[test]
    fn a_drag_without_monitors_is_an_error_and_remembers_nothing() {
        let mut saved = Remembered::default();
        let mut moves = HudMoves::default();
        moves.drag_started();
        assert_eq!(moves.moved(&mut saved, &[], Point { x: 10, y: 10 }, HUD), Err(PlacementError::NoMonitor));
        assert_eq!(saved, Remembered::default());
        assert_eq!(moves.position(), Some(Point { x: 10, y: 10 }));
    }
}
