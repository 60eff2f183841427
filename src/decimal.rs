//! Numbers written into strings by hand. Dates, footnote anchors and the
//! like are written tens of thousands of times a build, where `format!`
//! costs more than everything around it.

/// Appends `n` in decimal, zero-padded to at least `width` digits.
pub fn push_decimal(out: &mut String, n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_to_the_width_and_never_cuts() {
        let mut out = String::new();
        for (n, width) in [(0, 1), (7, 2), (42, 1), (2026, 4), (987, 4), (12345, 2), (u64::MAX, 1)] {
            out.clear();
            push_decimal(&mut out, n, width);
            assert_eq!(out, format!("{n:0width$}"));
        }
    }
}
