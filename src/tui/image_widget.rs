//! Photos drawn with coloured half-blocks (`▀`: the top pixel in the
//! foreground colour, the bottom one in the background), which every
//! truecolour terminal shows — over plain SSH and inside tmux too.

use image::RgbImage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Widget;

pub struct HalfBlocks<'a> {
    image: &'a RgbImage,
}

impl<'a> HalfBlocks<'a> {
    pub fn new(image: &'a RgbImage) -> Self {
        HalfBlocks { image }
    }
}

impl Widget for HalfBlocks<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (iw, ih) = self.image.dimensions();
        if area.width == 0 || area.height == 0 || iw == 0 || ih == 0 {
            return;
        }
        // Fit inside the area keeping the aspect ratio; a cell is two pixels tall.
        let (aw, ah) = (f64::from(area.width), f64::from(area.height) * 2.0);
        let scale = (aw / f64::from(iw)).min(ah / f64::from(ih));
        let (w, h) = (
            (f64::from(iw) * scale).max(1.0) as u16,
            (f64::from(ih) * scale).max(2.0) as u16,
        );
        let sample = |x: u16, y: u16| -> Color {
            let sx = ((f64::from(x) + 0.5) / scale) as u32;
            let sy = ((f64::from(y) + 0.5) / scale) as u32;
            let p = self.image.get_pixel(sx.min(iw - 1), sy.min(ih - 1));
            Color::Rgb(p[0], p[1], p[2])
        };
        for cy in 0..(h / 2).min(area.height) {
            for cx in 0..w.min(area.width) {
                let cell = &mut buf[(area.x + cx, area.y + cy)];
                cell.set_char('▀');
                cell.set_fg(sample(cx, cy * 2));
                cell.set_bg(sample(cx, cy * 2 + 1));
            }
        }
    }
}
