//! The listing's tests: the whole page for a small directory, the order, the names a
//! hostile user would choose (no markup, no link off the site), well-formed HTML, and
//! property tests over arbitrary names.

use super::*;
use proptest::prelude::*;

/// Checks that `html` is roughly well-formed: after the doctype, every tag is closed in
/// the right order (void elements need no closing), and no `<` or `>` appears outside a
/// tag. Returns the first problem found.
fn check_well_formed(html: &str) -> Result<(), String> {
    const VOID: [&str; 3] = ["meta", "hr", "br"];
    let body = html.strip_prefix("<!DOCTYPE html>\n").ok_or("no doctype")?;
    let mut open: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find(['<', '>']) {
        if rest[start..].starts_with('>') {
            return Err(format!("stray '>' before {:?}", &rest[start..]));
        }
        let end = rest[start..].find('>').ok_or("unclosed tag")? + start;
        let tag = &rest[start + 1..end];
        if tag.contains('<') {
            return Err(format!("'<' inside a tag: {tag:?}"));
        }
        let inside = &rest[..start];
        if inside.contains('>') {
            return Err(format!("stray '>' in {inside:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(top) if top == name => {}
                top => return Err(format!("</{name}> closes {top:?}")),
            }
        } else {
            let name = tag.split(' ').next().unwrap_or_default().to_owned();
            if !VOID.contains(&name.as_str()) {
                open.push(name);
            }
        }
        // Inside <style>, skip to its end: CSS is not markup.
        rest = &rest[end + 1..];
        if tag == "style" {
            let close = rest.find("</style>").ok_or("unclosed style")?;
            rest = &rest[close..];
        }
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(format!("left open: {open:?}"))
    }
}

/// Every `href` value of the page, in order.
fn hrefs(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').expect("a closing quote")])
        .collect()
}

/// Whether `href` is a relative-path reference (RFC 3986 §4.2): it can change neither the
/// scheme nor the host, so it stays on this site.
fn stays_on_the_site(href: &str) -> bool {
    let first_segment = href.split('/').next().unwrap_or_default();
    !href.starts_with('/') && !first_segment.contains(':') && !href.contains('\\')
}

/// The names of the entries, in the order the page lists them.
fn listed_names(html: &str) -> Vec<String> {
    html.split("<tr><td><a href=\"")
        .skip(1)
        .map(|row| {
            let text = &row[row.find("\">").expect("end of href") + 2..];
            text[..text.find("</a>").expect("end of link")].to_owned()
        })
        .collect()
}

#[test]
fn the_whole_page_of_a_small_directory() {
    let html = page(
        "/docs/",
        vec![
            Entry::file("a.txt", 5, "2024-03-01 14:05"),
            Entry::dir("img", "2024-02-01 09:00"),
        ],
    );
    let expected = format!(
        "{HEAD_START}<title>Index of /docs/</title>\n</head>\n<body>\n\
         <h1>Index of /docs/</h1>\n{TABLE_START}\
         <tr><td><a href=\"../\">../</a></td><td></td><td></td><td></td></tr>\n\
         <tr><td><a href=\"img/\">img/</a></td><td>-</td><td>-</td><td>2024-02-01 09:00</td></tr>\n\
         <tr><td><a href=\"a.txt\">a.txt</a></td><td>5 B</td><td>5</td><td>2024-03-01 14:05</td></tr>\n\
         </tbody>\n</table>\n</body>\n</html>\n"
    );
    assert_eq!(html, expected);
    assert_eq!(check_well_formed(&html), Ok(()));
}

#[test]
fn the_root_has_no_parent_link() {
    let html = page("/", vec![Entry::file("index.txt", 1, "")]);
    assert!(html.contains("<title>Index of /</title>"));
    assert!(!html.contains("../"));
    assert_eq!(hrefs(&html), ["index.txt"]);
}

#[test]
fn an_empty_directory_is_still_a_page() {
    let html = page("/empty/", Vec::new());
    assert_eq!(hrefs(&html), ["../"]);
    assert_eq!(check_well_formed(&html), Ok(()));
}

#[test]
fn directories_first_then_files_each_in_byte_order() {
    let entries = vec![
        Entry::file("apple.txt", 1, ""),
        Entry::dir("zoo", ""),
        Entry::file("Zebra.txt", 1, ""),
        Entry::file("笔记.md", 1, ""),
        Entry::dir("Alpha", ""),
        Entry::file("abc", 1, ""),
        Entry::file("10.txt", 1, ""),
        Entry::file("9.txt", 1, ""),
        Entry::file("é.txt", 1, ""),
        Entry::dir("alpha", ""),
    ];
    let html = page("/", entries);
    assert_eq!(
        listed_names(&html),
        [
            "Alpha/",
            "alpha/",
            "zoo/", // directories
            "10.txt",
            "9.txt",
            "Zebra.txt",
            "abc",
            "apple.txt",
            "é.txt",
            "笔记.md",
        ]
    );
}

#[test]
fn byte_order_is_code_point_order() {
    // Why the docs may say either: UTF-8 keeps the order of the code points.
    let mut names = [
        "z",
        "é",
        "笔",
        "😀",
        "Z",
        "\u{7f}",
        "\u{80}",
        "\u{ffff}",
        "\u{10000}",
    ];
    let mut by_chars = names;
    names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    by_chars.sort_by(|a, b| a.chars().cmp(b.chars()));
    assert_eq!(names, by_chars);
}

#[test]
fn dot_and_dot_dot_and_empty_names_are_left_out() {
    let entries = vec![
        Entry::dir(".", ""),
        Entry::dir("..", ""),
        Entry::file("", 0, ""),
        Entry::file(".hidden", 3, ""),
    ];
    let html = page("/d/", entries);
    assert_eq!(hrefs(&html), ["../", ".hidden"]);
}

#[test]
fn a_chinese_directory() {
    let html = page(
        "/docs/笔记/",
        vec![Entry::dir("第一课", ""), Entry::file("标题 1.md", 2048, "")],
    );
    assert!(html.contains("<title>Index of /docs/笔记/</title>"));
    assert!(html.contains("<h1>Index of /docs/笔记/</h1>"));
    assert_eq!(
        hrefs(&html),
        [
            "../",
            "%E7%AC%AC%E4%B8%80%E8%AF%BE/",
            "%E6%A0%87%E9%A2%98%201.md"
        ]
    );
    assert_eq!(listed_names(&html), ["../", "第一课/", "标题 1.md"]);
    assert!(html.contains("<td>2.0 KiB</td><td>2048</td>"));
}

#[test]
fn hostile_names_are_text_and_relative_links() {
    let names = [
        "//evil.com",
        "http:x",
        "https://evil.com",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "a#b?c%d",
        "\\\\evil.com\\share",
        "' onmouseover='alert(1)",
    ];
    let html = page(
        "/",
        names.iter().map(|&name| Entry::file(name, 1, "")).collect(),
    );
    assert_eq!(check_well_formed(&html), Ok(()));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    let links = hrefs(&html);
    assert_eq!(links.len(), names.len());
    for href in &links {
        assert!(stays_on_the_site(href), "{href}");
        assert!(
            href.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "{href}"
        );
    }
    assert!(links.contains(&"%2F%2Fevil.com"));
    assert!(links.contains(&"http%3Ax"));
    assert!(links.contains(&"javascript%3Aalert%281%29"));
}

#[test]
fn a_hostile_directory_path_and_date_are_escaped() {
    let html = page("/<b>\"x\"/", vec![Entry::file("f", 1, "<i>today</i>")]);
    assert!(html.contains("<title>Index of /&lt;b&gt;&quot;x&quot;/</title>"));
    assert!(html.contains("<td>&lt;i&gt;today&lt;/i&gt;</td>"));
    assert_eq!(check_well_formed(&html), Ok(()));
}

#[test]
fn the_checker_finds_broken_html() {
    assert!(check_well_formed("<!DOCTYPE html>\n<p><b></p></b>").is_err());
    assert!(check_well_formed("<!DOCTYPE html>\n<p>").is_err());
    assert!(check_well_formed("<!DOCTYPE html>\n<p>a > b</p>").is_err());
    assert!(check_well_formed("<p></p>").is_err());
    assert_eq!(
        check_well_formed("<!DOCTYPE html>\n<p><meta x><hr></p>"),
        Ok(())
    );
}

#[test]
fn human_sizes() {
    let cases = [
        (0, "0 B"),
        (1, "1 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1075, "1.0 KiB"),
        (1076, "1.1 KiB"),
        (1536, "1.5 KiB"),
        (10 * 1024 - 1, "10.0 KiB"),
        (1024 * 1024 - 52, "1023.9 KiB"),
        (1024 * 1024 - 51, "1.0 MiB"),
        (1024 * 1024, "1.0 MiB"),
        (1 << 40, "1.0 TiB"),
        (1 << 50, "1.0 PiB"),
        (1 << 60, "1.0 EiB"),
        (u64::MAX, "16.0 EiB"),
    ];
    for (bytes, text) in cases {
        assert_eq!(human_size(bytes), text, "{bytes}");
    }
}

/// A file name: anything but `/` and NUL, as on Linux.
fn file_name() -> impl Strategy<Value = String> {
    "[^/\0]{1,20}"
}

proptest! {
    #[test]
    fn any_names_give_a_well_formed_page_of_relative_links(
        names in proptest::collection::vec((file_name(), any::<bool>(), any::<u64>()), 0..12)
    ) {
        let entries: Vec<Entry> = names
            .iter()
            .map(|(name, is_dir, size)| Entry { name: name.clone(), is_dir: *is_dir, size: *size, modified: String::new() })
            .collect();
        let html = page("/some dir/", entries);
        prop_assert_eq!(check_well_formed(&html), Ok(()));
        let kept = names.iter().filter(|(name, _, _)| name != "." && name != "..").count();
        let links = hrefs(&html);
        prop_assert_eq!(links.len(), kept + 1);
        for href in links {
            prop_assert!(stays_on_the_site(href), "{}", href);
        }
    }

    #[test]
    fn each_name_shows_escaped_and_links_encoded(name in file_name(), is_dir in any::<bool>()) {
        prop_assume!(name != "." && name != "..");
        let entry = Entry { name: name.clone(), is_dir, size: 7, modified: String::new() };
        let html = page("/", vec![entry]);
        let slash = if is_dir { "/" } else { "" };
        let row = format!(
            "<a href=\"{}{slash}\">{}{slash}</a>",
            percent_encode_path_segment(&name),
            html_escape(&name)
        );
        prop_assert!(html.contains(&row));
    }

    #[test]
    fn human_size_never_shows_1024_of_a_unit(bytes in any::<u64>()) {
        let text = human_size(bytes);
        let number: f64 = text.split(' ').next().and_then(|n| n.parse().ok()).expect("a number");
        prop_assert!(number < 1024.0 || text.ends_with("EiB"), "{}", text);
    }
}
