//! `config.toml`: the site settings, with defaults filled in and unknown
//! keys rejected (a typo must never silently change what is published).

use std::path::Path;

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Result, toml_diagnostic};
use crate::layout::CONFIG_FILE;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    members_url: Option<String>,
    #[serde(default)]
    description: String,
    language: Option<String>,
    timezone: Option<String>,
    paginate_by: Option<usize>,
    feed_limit: Option<usize>,
    #[serde(default)]
    members_feed: bool,
    #[serde(default)]
    paywall: RawPaywall,
    #[serde(default)]
    subscribe: RawSubscribe,
    #[serde(default)]
    deploy: RawDeploy,
    #[serde(default)]
    search: RawSearch,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeploy {
    #[serde(default)]
    hosts: Vec<String>,
    check_url: Option<String>,
    root: Option<String>,
    listen: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaywall {
    free_blocks: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubscribe {
    action: Option<String>,
    pitch: Option<String>,
    checkout_email: Option<String>,
    checkout_reference: Option<String>,
    #[serde(default)]
    plans: Vec<Plan>,
}

/// A subscription plan offered on teaser and subscribe pages.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The value posted with the form (`plan=<id>`).
    pub id: String,
    /// What the reader sees ("Monthly").
    pub name: String,
    /// The price as the publication writes it ("$12 a month").
    #[serde(default)]
    pub price: String,
    /// An optional line under the price.
    #[serde(default)]
    pub description: String,
    /// A checkout page that takes the reader's email in its address (a
    /// Stripe Payment Link, a Lemon Squeezy checkout): the plan's button
    /// sends the reader there instead of posting to `[subscribe] action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout: Option<String>,
}

/// Validated site settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The publication's name.
    pub title: String,
    /// Where `dist/public` is deployed, without a trailing slash.
    pub base_url: String,
    /// Where `dist/members` is deployed, without a trailing slash.
    pub members_url: String,
    /// One line about the publication.
    pub description: String,
    /// The `lang` of every page.
    pub language: String,
    /// The zone whose clocks say when a dated article or page goes out (UTC unless set).
    pub timezone: TimeZone,
    /// Articles per listing page.
    pub paginate_by: usize,
    /// Entries per Atom feed.
    pub feed_limit: usize,
    /// Whether the members tree gets full-text feeds too.
    pub members_feed: bool,
    /// Free blocks for articles that name no cutoff (`None`: such articles are free).
    pub default_free_blocks: Option<usize>,
    /// Where the subscribe form posts.
    pub subscribe_action: String,
    /// The sentence that sells the subscription.
    pub pitch: String,
    /// The plans, in the order the config lists them.
    pub plans: Vec<Plan>,
    /// How the plans' checkout pages are sent the reader's email (when the plans have them).
    pub checkout: Option<Checkout>,
    /// The deploy files to write, and what they need.
    pub deploy: Deploy,
    /// Whether each tree gets a search index and a `/search/` page (`[search] enabled`, on by default).
    pub search: bool,
}

/// The query parameters a checkout provider reads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checkout {
    /// The parameter that prefills the email (`prefilled_email` for Stripe).
    pub email: String,
    /// The parameter that carries the article the reader subscribed from, if the provider keeps one.
    pub reference: Option<String>,
}

/// The checkout providers lede knows: the host of their checkout pages, and
/// the parameters they document for the email and a reference of ours.
const PROVIDERS: &[(&str, &str, &str)] = &[
    // Payment Links: `prefilled_email`, and `client_reference_id` on the session.
    ("buy.stripe.com", "prefilled_email", "client_reference_id"),
    // Checkout links: `checkout[email]`, and custom data under `checkout[custom]`.
    (".lemonsqueezy.com", "checkout[email]", "checkout[custom][article]"),
];

/// Checks the plans' checkout pages: all plans have one or none does (one
/// form cannot both post to `action` and send the email as a checkout
/// page's parameter), each is an https address without a query (a form
/// sent with GET replaces it), and the email's parameter is known: from
/// the provider lede knows, or from `[subscribe] checkout_email`.
fn checkout(raw: &RawSubscribe, problem: &mut impl FnMut(&str, String)) -> Option<Checkout> {
    let with: Vec<&Plan> = raw.plans.iter().filter(|p| p.checkout.is_some()).collect();
    if with.is_empty() {
        return None;
    }
    if with.len() != raw.plans.len() {
        problem(
            "checkout",
            "either every plan has a `checkout` page or none does: one form cannot both post to [subscribe] action and send the reader to a checkout page"
                .into(),
        );
        return None;
    }
    let mut provider: Option<Option<&(&str, &str, &str)>> = None;
    for plan in &with {
        let address = plan.checkout.as_deref().unwrap_or_default();
        let Some(url) = url::Url::parse(address).ok().filter(|u| u.scheme() == "https" && u.host_str().is_some()) else {
            problem("checkout", format!("the checkout page of the plan {:?} must be an https address, not {address:?}", plan.id));
            continue;
        };
        if url.query().is_some() || url.fragment().is_some() {
            problem(
                "checkout",
                format!(
                    "the checkout page of the plan {:?} must not have a query or fragment ({address:?}): the form sends the email as the query, which replaces it",
                    plan.id
                ),
            );
        }
        let host = url.host_str().unwrap_or_default();
        let known = PROVIDERS.iter().find(|(h, _, _)| if h.starts_with('.') { host.ends_with(h) } else { host == *h });
        match provider {
            None => provider = Some(known),
            Some(p) if p != known => {
                if raw.checkout_email.is_none() {
                    problem("checkout", "the plans' checkout pages are with different providers, which read the email from different parameters: keep to one, or name the parameter in [subscribe] checkout_email".into());
                }
            }
            Some(_) => {}
        }
    }
    let known = provider.flatten();
    let email = match (&raw.checkout_email, known) {
        (Some(e), _) => e.trim().to_string(),
        (None, Some((_, e, _))) => e.to_string(),
        (None, None) => {
            problem(
                "checkout",
                "lede does not know which parameter this checkout page reads the email from: name it in [subscribe] checkout_email (lede knows Stripe Payment Links and Lemon Squeezy)".into(),
            );
            return None;
        }
    };
    if email.is_empty() {
        problem("checkout_email", "[subscribe] checkout_email must not be empty".into());
    }
    let reference = raw.checkout_reference.clone().or_else(|| known.map(|(_, _, r)| r.to_string())).filter(|r| !r.trim().is_empty());
    Some(Checkout { email, reference })
}

/// A web server lede writes a configuration for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// A `server` block guarding the members tree with `auth_request`.
    Nginx,
    /// A Caddyfile guarding it with `forward_auth`.
    Caddy,
    /// `_redirects` (the members tree for the `subscriber` role) and `_headers`.
    Netlify,
    /// `_headers` in each tree; the members tree is its own project behind Cloudflare Access.
    Cloudflare,
}

impl Host {
    /// The name `[deploy] hosts` uses, and the folder its files go in.
    pub fn name(self) -> &'static str {
        match self {
            Host::Nginx => "nginx",
            Host::Caddy => "caddy",
            Host::Netlify => "netlify",
            Host::Cloudflare => "cloudflare",
        }
    }
}

/// `[deploy]`: the hosts to write configurations for (none by default).
#[derive(Debug, Clone, Default)]
pub struct Deploy {
    /// The hosts, in the order written.
    pub hosts: Vec<Host>,
    /// The service that says whether a request may read the members tree:
    /// 2xx lets it through, 401 or 403 sends the reader to subscribe.
    pub check_url: String,
    /// The folder holding `public/` and `members/` on the server (`None`: the output folder itself).
    pub root: Option<String>,
    /// The address and port the server listens on (`None`: from `base_url`).
    pub listen: Option<String>,
}

impl Config {
    /// The root URL of `target`'s tree, without a trailing slash.
    pub fn tree_url(&self, target: crate::target::Target) -> &str {
        match target {
            crate::target::Target::Public => &self.base_url,
            crate::target::Target::Members => &self.members_url,
        }
    }

    /// Reads and validates `config.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        if let Err(e) = std::fs::metadata(&path)
            && e.kind() == std::io::ErrorKind::NotFound
        {
            return Err(
                Diagnostic::file(CONFIG_FILE, format!("no {CONFIG_FILE} in {}: is this a lede site? (use --root to point at one)", root.display())).into()
            );
        }
        let bytes = crate::layout::read_small(&path, Path::new(CONFIG_FILE))?;
        let text = String::from_utf8(bytes).map_err(|e| Diagnostic::file(CONFIG_FILE, format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
        Config::parse(&text)
    }

    /// Parses the text of a `config.toml`.
    pub fn parse(text: &str) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_diagnostic(CONFIG_FILE, text, 0, &e))?;
        let mut problems = Diagnostics::new();
        let locate = |key: &str| key_offset(text, key);
        let mut problem = |key: &str, message: String| {
            problems.push(Diagnostic::at_offset(CONFIG_FILE, text, locate(key), message));
        };

        let base_url = normalise_url(&raw.base_url);
        if !is_http_url(&base_url) {
            problem("base_url", format!("base_url must be an absolute http(s) URL, not {:?}", raw.base_url));
        } else if base_url.contains(['?', '#']) {
            problem("base_url", format!("base_url must not have a query or a fragment (every page's URL is built on it), not {:?}", raw.base_url));
        }
        let members_url = match &raw.members_url {
            Some(u) => {
                let u = normalise_url(u);
                if !is_http_url(&u) {
                    problem("members_url", format!("members_url must be an absolute http(s) URL, not {u:?}"));
                } else if u.contains(['?', '#']) {
                    problem("members_url", format!("members_url must not have a query or a fragment (every members page's URL is built on it), not {u:?}"));
                }
                if u == base_url {
                    problem("members_url", "members_url must differ from base_url: the two trees are deployed apart".into());
                }
                u
            }
            None => format!("{base_url}/members"),
        };
        if let Some(action) = &raw.subscribe.action
            && !(is_http_url(action.trim()) || (action.starts_with('/') && !action.starts_with("//")))
        {
            problem("action", format!("[subscribe] action must be an http(s) URL or a path on the site such as /subscribe/, not {action:?}"));
        }
        if raw.title.trim().is_empty() {
            problem("title", "title must not be empty".into());
        }
        let default_free_blocks = match raw.paywall.free_blocks {
            None => None,
            Some(n) if n >= 1 => Some(n as usize),
            Some(n) => {
                problem("free_blocks", format!("[paywall] free_blocks must be 1 or more, not {n} (leave it out to make articles free by default)"));
                None
            }
        };
        let timezone = match &raw.timezone {
            None => TimeZone::UTC,
            Some(name) => match TimeZone::get(name) {
                // Etc/Unknown is jiff's name for a zone nobody knows, not a place's clocks.
                Ok(zone) if !zone.is_unknown() => zone,
                _ => {
                    problem("timezone", unknown_zone(name));
                    TimeZone::UTC
                }
            },
        };
        let paginate_by = match raw.paginate_by {
            Some(0) => {
                problem("paginate_by", "paginate_by must be 1 or more".into());
                10
            }
            Some(n) => n,
            None => 10,
        };
        let mut seen = std::collections::BTreeSet::new();
        for plan in &raw.subscribe.plans {
            if plan.id.trim().is_empty() || plan.name.trim().is_empty() {
                problem("plans", "every [[subscribe.plans]] needs a non-empty id and name".into());
            } else if !seen.insert(plan.id.as_str()) {
                problem("plans", format!("two subscribe plans share the id {:?}", plan.id));
            }
        }
        let checkout = checkout(&raw.subscribe, &mut problem);
        let deploy = deploy(raw.deploy, &base_url, &members_url, &mut problem);
        if !problems.is_empty() {
            return Err(problems);
        }
        let subscribe_action = raw.subscribe.action.unwrap_or_else(|| crate::urls::url(&base_url, crate::urls::SUBSCRIBE_DIR));
        let pitch = raw.subscribe.pitch.unwrap_or_else(|| format!("Subscribe to {} for every analysis in full, and the whole archive.", raw.title));
        Ok(Config {
            title: raw.title,
            base_url,
            members_url,
            description: raw.description,
            language: raw.language.unwrap_or_else(|| "en".into()),
            timezone,
            paginate_by,
            feed_limit: raw.feed_limit.unwrap_or(20).max(1),
            members_feed: raw.members_feed,
            default_free_blocks,
            subscribe_action,
            pitch,
            plans: raw.subscribe.plans,
            checkout,
            deploy,
            search: raw.search.enabled.unwrap_or(true),
        })
    }
}

/// Checks `[deploy]`. A server that guards the members tree must know whom
/// to ask and must serve that tree under the site's own address; anything
/// less would be a configuration that serves it to everyone, so it is refused.
fn deploy(raw: RawDeploy, base_url: &str, members_url: &str, problem: &mut impl FnMut(&str, String)) -> Deploy {
    let mut hosts = Vec::new();
    for name in &raw.hosts {
        match name.as_str() {
            "nginx" => hosts.push(Host::Nginx),
            "caddy" => hosts.push(Host::Caddy),
            "netlify" => hosts.push(Host::Netlify),
            "cloudflare" => hosts.push(Host::Cloudflare),
            other => {
                problem("hosts", format!("[deploy] hosts: lede writes configurations for \"nginx\", \"caddy\", \"netlify\" and \"cloudflare\", not {other:?}"))
            }
        }
    }
    let under_site = members_url == format!("{base_url}/members");
    if hosts.contains(&Host::Netlify) && !under_site {
        problem(
            "hosts",
            format!(
                "[deploy] Netlify serves the members tree from the same site, to the subscriber role: set members_url to \"{base_url}/members\" (it is {members_url:?})"
            ),
        );
    }
    if hosts.contains(&Host::Cloudflare) && members_url.starts_with(&format!("{base_url}/")) {
        problem(
            "hosts",
            format!(
                "[deploy] on Cloudflare Pages the members tree is a project of its own behind Cloudflare Access: give it its own address in members_url, such as \"https://members.example.org\" (it is {members_url:?})"
            ),
        );
    }
    let gated = hosts.iter().any(|h| matches!(h, Host::Nginx | Host::Caddy));
    let check_url = raw.check_url.unwrap_or_default().trim().to_string();
    if gated {
        if check_url.is_empty() {
            problem("hosts", "[deploy] check_url is missing: the server asks it whether a request may read the members tree (2xx yes, 401 or 403 no)".into());
        } else if !is_http_url(&check_url) || url::Url::parse(&check_url).is_err() {
            problem("check_url", format!("[deploy] check_url must be an absolute http(s) URL, not {check_url:?}"));
        }
        if !under_site {
            problem(
                "hosts",
                format!(
                    "[deploy] the nginx and caddy configurations serve the members tree under the site's own address: set members_url to \"{base_url}/members\" (it is {members_url:?})"
                ),
            );
        }
    }
    if let Some(root) = &raw.root
        && (!root.starts_with('/') || root.contains(|c: char| c.is_whitespace() || c.is_control() || "\"';{}$\\".contains(c)))
    {
        problem(
            "root",
            format!("[deploy] root must be an absolute path on the server without spaces, quotes, braces or `$`, such as \"/srv/brief\", not {root:?}"),
        );
    }
    if let Some(listen) = &raw.listen
        && (listen.trim().is_empty() || listen.contains(char::is_whitespace) || listen.contains(';'))
    {
        problem("listen", format!("[deploy] listen must be a port or an address:port such as \"127.0.0.1:8080\", not {listen:?}"));
    }
    Deploy { hosts, check_url, root: raw.root, listen: raw.listen }
}

/// What is wrong with a `timezone` that names no zone, with the zone it
/// probably means when only its city was given or its case or spaces are off.
fn unknown_zone(name: &str) -> String {
    let wanted = name.trim().replace(' ', "_");
    let close = jiff::tz::db().available().find(|zone| {
        let zone = zone.as_str();
        zone.eq_ignore_ascii_case(&wanted) || zone.rsplit('/').next().is_some_and(|city| city.eq_ignore_ascii_case(&wanted))
    });
    let hint = match close {
        Some(zone) => format!("did you mean {:?}?", zone.as_str()),
        None => "use a name from the IANA time zone database, such as \"Europe/Brussels\", \"America/New_York\" or \"UTC\"".into(),
    };
    format!("timezone {name:?} is not a time zone: {hint}")
}

fn normalise_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

fn is_http_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
}

/// Byte offset of the first line that sets `key`, to point a message at it.
fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key) && trimmed[key.len()..].trim_start().starts_with(['=', ']']) {
            return offset + (line.len() - trimmed.len());
        }
        if trimmed.starts_with(&format!("[[subscribe.{key}")) || trimmed.starts_with(&format!("[{key}")) {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"The Brief\"\nbase_url = \"https://example.org/\"\n";

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.members_url, "https://example.org/members");
        assert_eq!(c.default_free_blocks, None);
        assert_eq!(c.subscribe_action, "https://example.org/subscribe/");
        assert_eq!(c.paginate_by, 10);
        assert!(c.plans.is_empty());
        assert_eq!(c.timezone.iana_name(), Some("UTC"));
    }

    #[test]
    fn timezone_takes_an_iana_name() {
        let c = Config::parse(&format!("{MINIMAL}timezone = \"Europe/Brussels\"\n")).unwrap();
        assert_eq!(c.timezone.iana_name(), Some("Europe/Brussels"));
        let c = Config::parse(&format!("{MINIMAL}timezone = \"Pacific/Kiritimati\"\n")).unwrap();
        assert_eq!(c.timezone.iana_name(), Some("Pacific/Kiritimati"));
    }

    #[test]
    fn unknown_timezone_is_an_error_with_its_line_and_a_hint() {
        let errs = Config::parse(&format!("{MINIMAL}description = \"x\"\ntimezone = \"Europe/Brusels\"\n")).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (Some(4), Some(1)), "{errs:?}");
        assert!(errs[0].message.contains("\"Europe/Brusels\" is not a time zone"), "{errs:?}");
        assert!(errs[0].message.contains("such as \"Europe/Brussels\""), "{errs:?}");
        // A city alone is not enough, but it names the zone it probably means.
        let errs = Config::parse(&format!("{MINIMAL}timezone = \"new york\"\n")).unwrap_err();
        assert!(errs[0].message.contains("did you mean \"America/New_York\"?"), "{errs:?}");
        assert!(Config::parse(&format!("{MINIMAL}timezone = \"\"\n")).is_err());
        assert!(Config::parse(&format!("{MINIMAL}timezone = \"Etc/Unknown\"\n")).is_err());
    }

    #[test]
    fn time_zones_are_known_without_the_systems_database() {
        // A fresh machine may have no tzdata: the copy built into lede answers then.
        let bundled = jiff::tz::TimeZoneDatabase::bundled();
        assert!(bundled.get("Pacific/Kiritimati").is_ok());
        assert!(bundled.get("Europe/Brussels").is_ok());
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let text = format!("{MINIMAL}\n[paywall]\nfree_block = 3\n");
        let errs = Config::parse(&text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, Some(5), "{errs:?}");
        assert!(errs[0].message.contains("free_block"), "{errs:?}");
    }

    #[test]
    fn missing_base_url_is_named() {
        let errs = Config::parse("title = \"x\"\n").unwrap_err();
        assert!(errs[0].message.contains("base_url"), "{errs:?}");
    }

    #[test]
    fn zero_free_blocks_and_bad_urls_are_all_reported() {
        let text = "title = \"x\"\nbase_url = \"example.org\"\n[paywall]\nfree_blocks = 0\n";
        let errs = Config::parse(text).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].line, Some(2));
        assert_eq!(errs[1].line, Some(4));
    }

    #[test]
    fn urls_with_a_query_or_fragment_and_script_actions_are_refused() {
        let text = "title = \"x\"\nbase_url = \"https://example.org/?a=1#f\"\nmembers_url = \"https://m.example.org#x\"\n[subscribe]\naction = \"javascript:alert(1)\"\n";
        let errs = Config::parse(text).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].message.contains("query or a fragment") && errs[0].line == Some(2), "{errs:?}");
        assert!(errs[1].message.contains("query or a fragment") && errs[1].line == Some(3), "{errs:?}");
        assert!(errs[2].message.contains("http(s) URL or a path") && errs[2].line == Some(5), "{errs:?}");
        for ok in ["https://n.example/s?list=1", "/subscribe/"] {
            let text = format!("{MINIMAL}[subscribe]\naction = {ok:?}\n");
            assert!(Config::parse(&text).is_ok(), "{ok}");
        }
        let text = format!("{MINIMAL}[subscribe]\naction = \"//evil.example/x\"\n");
        assert!(Config::parse(&text).is_err());
    }

    #[test]
    fn plans_keep_their_order() {
        let text = format!(
            "{MINIMAL}[subscribe]\naction = \"https://n.example/s\"\n[[subscribe.plans]]\nid = \"m\"\nname = \"Monthly\"\nprice = \"$12\"\n[[subscribe.plans]]\nid = \"y\"\nname = \"Yearly\"\n"
        );
        let c = Config::parse(&text).unwrap();
        let ids: Vec<_> = c.plans.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["m", "y"]);
        assert_eq!(c.subscribe_action, "https://n.example/s");
    }

    #[test]
    fn plans_with_checkout_pages_name_how_the_email_is_sent() {
        let plans = |a: &str, b: &str| {
            format!("{MINIMAL}\n[[subscribe.plans]]\nid = \"m\"\nname = \"Monthly\"\n{a}\n\n[[subscribe.plans]]\nid = \"y\"\nname = \"Yearly\"\n{b}\n")
        };
        let c = Config::parse(&plans("checkout = \"https://buy.stripe.com/abc\"", "checkout = \"https://buy.stripe.com/def\"")).expect("stripe");
        assert_eq!(c.checkout, Some(Checkout { email: "prefilled_email".into(), reference: Some("client_reference_id".into()) }));
        let c = Config::parse(&plans("checkout = \"https://brief.lemonsqueezy.com/buy/1\"", "checkout = \"https://brief.lemonsqueezy.com/buy/2\""))
            .expect("lemon squeezy");
        assert_eq!(c.checkout.expect("checkout").email, "checkout[email]");
        assert_eq!(Config::parse(&plans("", "")).expect("no checkout").checkout, None);
        let err = |text: String| Config::parse(&text).expect_err("refused").to_string();
        assert!(err(plans("checkout = \"https://buy.stripe.com/abc\"", "")).contains("either every plan has a `checkout` page or none does"));
        assert!(err(plans("checkout = \"https://pay.example.net/a\"", "checkout = \"https://pay.example.net/b\"")).contains("checkout_email"));
        assert!(err(plans("checkout = \"https://buy.stripe.com/abc?x=1\"", "checkout = \"https://buy.stripe.com/d\"")).contains("must not have a query"));
        assert!(err(plans("checkout = \"http://buy.stripe.com/abc\"", "checkout = \"https://buy.stripe.com/d\"")).contains("https address"));
        assert!(err(plans("checkout = \"https://buy.stripe.com/abc\"", "checkout = \"https://brief.lemonsqueezy.com/buy/2\"")).contains("different providers"));
        // Another provider, its parameter named.
        let named = plans("checkout = \"https://pay.example.net/a\"", "checkout = \"https://pay.example.net/b\"")
            .replace("[[subscribe.plans]]\nid = \"m\"", "[subscribe]\ncheckout_email = \"email\"\n\n[[subscribe.plans]]\nid = \"m\"");
        assert_eq!(Config::parse(&named).expect("named").checkout, Some(Checkout { email: "email".into(), reference: None }));
    }
}
