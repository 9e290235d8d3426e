//! Where the HUD window goes: top-centre of the primary monitor, just below the webcam (which
//! sits in the bezel above the screen's top-centre), or where the user last dragged it on that
//! monitor — always clamped back inside the monitor's work area.
//!
//! Pure geometry, no Tauri types, so it is unit-tested with made-up monitor layouts. Positions
//! and monitor rectangles are physical pixels in the OS's virtual-desktop coordinates (what
//! `tauri::Monitor` reports); the HUD's size and remembered offsets are logical pixels, so a
//! position remembered on a 2× display lands in the same place after a scale change.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Gap between the top of the work area and the HUD, logical px: enough to clear a notch or a
/// webcam's housing, small enough that the seller's eyes stay near the lens.
pub const TOP_MARGIN: f64 = 8.0;

/// A rectangle in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    fn right(&self) -> i64 {
        i64::from(self.x) + i64::from(self.width)
    }

    fn bottom(&self) -> i64 {
        i64::from(self.y) + i64::from(self.height)
    }

    fn contains(&self, p: Point) -> bool {
        i64::from(p.x) >= i64::from(self.x) && i64::from(p.x) < self.right() && i64::from(p.y) >= i64::from(self.y) && i64::from(p.y) < self.bottom()
    }

    /// Squared distance (px²) from `p` to the nearest point of the rectangle (0 inside).
    fn distance2(&self, p: Point) -> i64 {
        let dx = (i64::from(self.x) - i64::from(p.x)).max(i64::from(p.x) - (self.right() - 1)).max(0);
        let dy = (i64::from(self.y) - i64::from(p.y)).max(i64::from(p.y) - (self.bottom() - 1)).max(0);
        dx * dx + dy * dy
    }
}

/// A point in physical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// A monitor as the OS reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Monitor {
    /// The OS's name for it (`HDMI-1`, `\\.\DISPLAY1`), when it has one.
    pub name: Option<String>,
    /// The whole screen, physical px.
    pub frame: Rect,
    /// The part not taken by menu bars, docks and panels, physical px (= `frame` when unknown).
    pub work_area: Rect,
    /// Physical px per logical px (1.0, 1.25, 2.0 …); must be > 0.
    pub scale: f64,
}

impl Monitor {
    /// Key under which a position on this monitor is remembered: its name and physical size,
    /// so a different screen plugged into the same port does not inherit the position.
    pub fn key(&self) -> String {
        format!("{}@{}x{}", self.name.as_deref().unwrap_or("unnamed"), self.frame.width, self.frame.height)
    }

    fn physical(&self, logical: f64) -> i64 {
        (logical * self.scale).round() as i64
    }
}

/// The HUD window's outer size, logical px.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// A remembered position: logical px from the top-left corner of the monitor's work area.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offset {
    pub x: f64,
    pub y: f64,
}

/// Positions remembered per monitor ([`Monitor::key`]), and the monitor the user last left the
/// HUD on (only the user's drags are remembered: `hud_moves.rs`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub offsets: BTreeMap<String, Offset>,
    pub last: Option<String>,
}

/// Why no placement could be computed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlacementError {
    #[error("the OS reports no monitor")]
    NoMonitor,
    #[error("monitor {0} has an invalid scale factor {1}")]
    BadScale(String, f64),
}

/// Where to put the HUD: which monitor (index into the slice given) and the window's
/// top-left corner, physical px.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub monitor: usize,
    pub position: Point,
}

/// Top-centre of `monitor`'s work area, [`TOP_MARGIN`] below its top edge.
pub fn top_centre(monitor: &Monitor, size: Size) -> Point {
    let area = monitor.work_area;
    let width = monitor.physical(size.width);
    let x = i64::from(area.x) + (i64::from(area.width) - width) / 2;
    let y = i64::from(area.y) + monitor.physical(TOP_MARGIN);
    clamp(monitor, Point { x: saturate(x), y: saturate(y) }, size)
}

/// `position` moved the least distance that keeps the whole HUD inside `monitor`'s work area;
/// a HUD larger than the work area is aligned to its top-left corner.
pub fn clamp(monitor: &Monitor, position: Point, size: Size) -> Point {
    let area = monitor.work_area;
    let (width, height) = (monitor.physical(size.width), monitor.physical(size.height));
    let fit = |p: i32, start: i32, extent: u32, len: i64| {
        let max = (i64::from(start) + i64::from(extent) - len).max(i64::from(start));
        saturate(i64::from(p).clamp(i64::from(start), max))
    };
    Point { x: fit(position.x, area.x, area.width, width), y: fit(position.y, area.y, area.height, height) }
}

/// Where the HUD opens: on the monitor the user last left it on if that one is connected, else
/// on the primary monitor (`primary`, else the first); at the position remembered for that
/// monitor (clamped), else at [`top_centre`].
pub fn initial(monitors: &[Monitor], primary: Option<usize>, remembered: &Remembered, size: Size) -> Result<Placement, PlacementError> {
    validate(monitors)?;
    let by_key = |key: &String| monitors.iter().position(|m| &m.key() == key);
    let index = remembered
        .last
        .as_ref()
        .and_then(by_key)
        .or(primary.filter(|&i| i < monitors.len()))
        .unwrap_or(0);
    let monitor = &monitors[index];
    let position = match remembered.offsets.get(&monitor.key()) {
        Some(offset) => {
            let area = monitor.work_area;
            let point = Point {
                x: saturate(i64::from(area.x) + monitor.physical(offset.x)),
                y: saturate(i64::from(area.y) + monitor.physical(offset.y)),
            };
            clamp(monitor, point, size)
        }
        None => top_centre(monitor, size),
    };
    Ok(Placement { monitor: index, position })
}

/// The monitor holding the HUD (top-left corner `position`, physical px; size `size`): the one
/// holding its centre, else (the centre off every screen) the nearest one. Its index.
pub fn monitor_of(monitors: &[Monitor], position: Point, size: Size) -> Result<usize, PlacementError> {
    validate(monitors)?;
    let probe = |m: &Monitor| Point {
        x: saturate(i64::from(position.x) + m.physical(size.width) / 2),
        y: saturate(i64::from(position.y) + m.physical(size.height) / 2),
    };
    monitors
        .iter()
        .position(|m| m.frame.contains(probe(m)))
        .or_else(|| (0..monitors.len()).min_by_key(|&i| monitors[i].frame.distance2(probe(&monitors[i]))))
        .ok_or(PlacementError::NoMonitor)
}

/// Where the HUD at `position` goes when it takes the size `size` (compact ⇄ expanded): it
/// stays on its monitor ([`monitor_of`], judged at the new size), its top-left corner moved the
/// least that keeps it inside that monitor's work area ([`clamp`]).
pub fn resized(monitors: &[Monitor], position: Point, size: Size) -> Result<Point, PlacementError> {
    let index = monitor_of(monitors, position, size)?;
    Ok(clamp(&monitors[index], position, size))
}

/// Records that the user left the HUD (top-left corner `position`, physical px) where it is:
/// the offset is stored for the monitor holding it ([`monitor_of`]), which becomes the `last`
/// monitor. Returns that monitor's index.
pub fn remember(remembered: &mut Remembered, monitors: &[Monitor], position: Point, size: Size) -> Result<usize, PlacementError> {
    let index = monitor_of(monitors, position, size)?;
    let monitor = &monitors[index];
    let kept = clamp(monitor, position, size);
    let offset = Offset {
        x: f64::from(kept.x - monitor.work_area.x) / monitor.scale,
        y: f64::from(kept.y - monitor.work_area.y) / monitor.scale,
    };
    remembered.offsets.insert(monitor.key(), offset);
    remembered.last = Some(monitor.key());
    Ok(index)
}

fn validate(monitors: &[Monitor]) -> Result<(), PlacementError> {
    if monitors.is_empty() {
        return Err(PlacementError::NoMonitor);
    }
    match monitors.iter().find(|m| !(m.scale.is_finite() && m.scale > 0.0)) {
        Some(m) => Err(PlacementError::BadScale(m.key(), m.scale)),
        None => Ok(()),
    }
}

fn saturate(v: i64) -> i32 {
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUD: Size = Size { width: 400.0, height: 120.0 };

    fn monitor(name: &str, x: i32, y: i32, width: u32, height: u32, scale: f64) -> Monitor {
        let frame = Rect { x, y, width, height };
        Monitor { name: Some(name.into()), frame, work_area: frame, scale }
    }

    #[test]
    fn full_hd_at_1x_centres_under_the_webcam() {
        let m = monitor("eDP-1", 0, 0, 1920, 1080, 1.0);
        assert_eq!(top_centre(&m, HUD), Point { x: 760, y: 8 });
    }

    #[test]
    fn scale_factor_multiplies_size_and_margin() {
        // A 2880×1800 panel at 2×: the HUD is 800×240 physical px, the margin 16 px.
        let m = monitor("eDP-1", 0, 0, 2880, 1800, 2.0);
        assert_eq!(top_centre(&m, HUD), Point { x: 1040, y: 16 });
        // 1.25× (common on Windows laptops): 500 px wide, margin 10 px.
        let m = monitor("eDP-1", 0, 0, 1920, 1080, 1.25);
        assert_eq!(top_centre(&m, HUD), Point { x: 710, y: 10 });
    }

    #[test]
    fn menu_bar_pushes_the_hud_below_the_work_area_top() {
        let mut m = monitor("Built-in", 0, 0, 3024, 1964, 2.0);
        m.work_area = Rect { x: 0, y: 74, width: 3024, height: 1890 };
        assert_eq!(top_centre(&m, HUD), Point { x: 1112, y: 90 });
    }

    #[test]
    fn primary_monitor_wins_over_the_first_one() {
        // Secondary 4K at 1.5× left of a 1080p primary that starts at x = 3840 (physical).
        let monitors = [monitor("DP-1", 0, 0, 3840, 2160, 1.5), monitor("HDMI-1", 3840, 0, 1920, 1080, 1.0)];
        let p = initial(&monitors, Some(1), &Remembered::default(), HUD).unwrap();
        assert_eq!(p, Placement { monitor: 1, position: Point { x: 3840 + 760, y: 8 } });
        // Without a primary (Wayland, some X setups) the first monitor is used.
        let p = initial(&monitors, None, &Remembered::default(), HUD).unwrap();
        assert_eq!(p, Placement { monitor: 0, position: Point { x: 1620, y: 12 } });
        // An out-of-range primary index falls back to the first monitor too.
        assert_eq!(initial(&monitors, Some(7), &Remembered::default(), HUD).unwrap().monitor, 0);
    }

    #[test]
    fn monitors_left_of_and_above_the_origin() {
        let m = monitor("DP-2", -1920, -1080, 1920, 1080, 1.0);
        assert_eq!(top_centre(&m, HUD), Point { x: -1160, y: -1072 });
        assert_eq!(clamp(&m, Point { x: 50, y: 50 }, HUD), Point { x: -400, y: -120 });
    }

    #[test]
    fn position_is_remembered_per_monitor_and_survives_a_scale_change() {
        let mut monitors = vec![monitor("eDP-1", 0, 0, 2560, 1600, 1.0), monitor("HDMI-1", 2560, 0, 1920, 1080, 1.0)];
        let mut saved = Remembered::default();
        // Dragged to the external monitor.
        assert_eq!(remember(&mut saved, &monitors, Point { x: 2560 + 100, y: 300 }, HUD).unwrap(), 1);
        // Dragged to the laptop panel.
        assert_eq!(remember(&mut saved, &monitors, Point { x: 40, y: 900 }, HUD).unwrap(), 0);
        assert_eq!(saved.offsets.len(), 2);
        assert_eq!(saved.last.as_deref(), Some("eDP-1@2560x1600"));
        assert_eq!(initial(&monitors, Some(1), &saved, HUD).unwrap().position, Point { x: 40, y: 900 });

        // The panel switches to 2× (same physical size, same key): same logical place.
        monitors[0].scale = 2.0;
        assert_eq!(initial(&monitors, Some(1), &saved, HUD).unwrap().position, Point { x: 80, y: 1600 - 240 });

        // Laptop panel gone: the primary (external) monitor's own remembered position is used.
        let external = [monitor("HDMI-1", 0, 0, 1920, 1080, 1.0)];
        assert_eq!(initial(&external, Some(0), &saved, HUD).unwrap().position, Point { x: 100, y: 300 });
    }

    #[test]
    fn a_different_screen_on_the_same_port_does_not_inherit_the_position() {
        let mut saved = Remembered::default();
        remember(&mut saved, &[monitor("HDMI-1", 0, 0, 1920, 1080, 1.0)], Point { x: 5, y: 600 }, HUD).unwrap();
        let other = [monitor("HDMI-1", 0, 0, 1280, 1024, 1.0)];
        assert_eq!(initial(&other, Some(0), &saved, HUD).unwrap().position, top_centre(&other[0], HUD));
    }

    #[test]
    fn remembered_positions_are_clamped_back_on_screen() {
        let m = monitor("HDMI-1", 0, 0, 1920, 1080, 1.0);
        let mut saved = Remembered::default();
        saved.offsets.insert(m.key(), Offset { x: 5000.0, y: -300.0 });
        assert_eq!(initial(std::slice::from_ref(&m), Some(0), &saved, HUD).unwrap().position, Point { x: 1520, y: 0 });
        // Dragged half off the right edge: stored clamped.
        remember(&mut saved, std::slice::from_ref(&m), Point { x: 1800, y: 500 }, HUD).unwrap();
        assert_eq!(saved.offsets[&m.key()], Offset { x: 1520.0, y: 500.0 });
    }

    #[test]
    fn hud_dropped_between_screens_goes_to_the_nearest_monitor() {
        // A gap between two monitors (different heights, bottom-aligned layouts leave holes).
        let monitors = [monitor("A", 0, 0, 1920, 1080, 1.0), monitor("B", 1920, 600, 1280, 720, 1.0)];
        let mut saved = Remembered::default();
        // The HUD's centre (2200, 260) is right of A and above B, on neither screen.
        let index = remember(&mut saved, &monitors, Point { x: 2000, y: 200 }, HUD).unwrap();
        assert_eq!(index, 0, "A is 281 px away, B 341 px");
        assert_eq!(saved.offsets["A@1920x1080"], Offset { x: 1520.0, y: 200.0 });
    }

    #[test]
    fn resizing_keeps_the_hud_on_its_monitor_and_on_screen() {
        let monitors = [monitor("DUMMY0", 0, 0, 1280, 1024, 1.0), monitor("DUMMY1", 1280, 0, 1920, 1080, 1.0)];
        let compact = Size { width: 400.0, height: 52.0 };
        let expanded = Size { width: 400.0, height: 560.0 };
        // Top-centre of the primary: both sizes fit, the HUD stays put.
        assert_eq!(resized(&monitors, Point { x: 2040, y: 8 }, compact).unwrap(), Point { x: 2040, y: 8 });
        assert_eq!(resized(&monitors, Point { x: 2040, y: 8 }, expanded).unwrap(), Point { x: 2040, y: 8 });
        // Compact near the bottom of the left monitor: expanding lifts it, on the same monitor.
        assert_eq!(resized(&monitors, Point { x: 300, y: 960 }, expanded).unwrap(), Point { x: 300, y: 1024 - 560 });
        // Compact at the primary's bottom-left, straddling the edge between the monitors: once
        // expanded its centre (1430, 1300) lies below both; the nearest monitor (the primary)
        // keeps it, lifted and pushed inside, not moved to the other monitor.
        assert_eq!(monitor_of(&monitors, Point { x: 1230, y: 1020 }, compact).unwrap(), 1);
        assert_eq!(resized(&monitors, Point { x: 1230, y: 1020 }, expanded).unwrap(), Point { x: 1280, y: 1080 - 560 });
        assert_eq!(resized(&[], Point { x: 0, y: 0 }, expanded), Err(PlacementError::NoMonitor));
    }

    #[test]
    fn hud_larger_than_the_screen_sticks_to_the_top_left() {
        let m = monitor("tiny", 100, 100, 300, 100, 1.0);
        assert_eq!(top_centre(&m, HUD), Point { x: 100, y: 100 });
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(initial(&[], None, &Remembered::default(), HUD), Err(PlacementError::NoMonitor));
        let m = monitor("X", 0, 0, 100, 100, 0.0);
        assert!(matches!(initial(std::slice::from_ref(&m), None, &Remembered::default(), HUD), Err(PlacementError::BadScale(_, _))));
        let mut saved = Remembered::default();
        assert_eq!(remember(&mut saved, &[], Point { x: 0, y: 0 }, HUD), Err(PlacementError::NoMonitor));
    }
}
