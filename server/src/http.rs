//! The HTTP surface: the JSON protocol under /api, the no-JS fallback, and
//! the demo's static files.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use readerpoll::core::poll::{Poll, ResultsVisibility};
use readerpoll::core::wire::{ErrorBody, ErrorDetail, TallyBody, VoteAnswer, VoteBody};
use serde_json::json;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;

use crate::embed;
use crate::limits::{client_ip, RateLimiter};
use crate::store::{
    allowed_origins, normal_origin, now_seconds, PollState, Store, VoteError, VoteRequest,
    ALLOWED_ORIGINS,
};

/// Largest vote body accepted: a ballot is a few dozen bytes.
pub const MAX_BODY: usize = 4 * 1024;

pub struct Config {
    pub www: std::path::PathBuf,
    pub csp: bool,
    pub trusted_proxies: Vec<IpAddr>,
    /// Origins allowed to post votes, normalised (`store::normal_origin`);
    /// empty allows any.
    pub allowed_origins: Vec<String>,
    /// Bearer token for /api/admin; None turns the admin API off.
    pub admin_token: Option<String>,
    /// How long a request body may take to arrive, all of it.
    pub body_timeout: std::time::Duration,
    /// The origin readers reach this server at (`--public-url`, else the
    /// address it listens on): oEmbed describes only its pages, and the
    /// no-JS form's cookie is `Secure` when it is https.
    pub public_origin: String,
    /// No `--public-url` was given: the server is also at whatever `Host`
    /// it is reached by (a name, a LAN address), each an origin of its own.
    pub origin_from_host: bool,
}

pub struct AppState {
    pub store: Store,
    pub surveys: crate::survey::Surveys,
    pub limiter: RateLimiter,
    pub config: Config,
}

type Shared = Arc<AppState>;

pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

pub fn router(state: Shared) -> Router {
    let www = state.config.www.clone();
    let body_timeout = state.config.body_timeout;
    // Every answer but the event streams is due within the time limit; a
    // client that trickles its body in is cut off sooner still (`read_body`).
    let bounded = Router::new()
        .route("/api/polls/{id}", get(get_poll).options(preflight))
        .route("/api/polls/{id}/votes", post(post_vote).options(preflight))
        .route("/polls/{id}/embed", get(embed_page))
        .route("/polls/{id}/vote-form", post(post_form))
        .route("/oembed", get(crate::oembed::oembed))
        .nest("/api/admin", crate::admin::routes())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            body_timeout * 2,
        ));
    Router::new()
        .merge(bounded)
        .route("/polls/{id}/events", get(crate::live::events))
        .route("/api/polls/{id}/events", get(crate::live::events))
        // Files with a `.br` or `.gz` beside them (the widget's, which
        // scripts/build-wasm.sh compresses once at build time) go out
        // compressed to browsers that accept it: ~35 KB of brotli for the
        // widget instead of ~95 KB.
        .fallback_service(
            ServeDir::new(www)
                .append_index_html_on_directories(true)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(middleware::from_fn_with_state(state.clone(), headers))
        .with_state(state)
}

/// Security and caching headers on every answer.
async fn headers(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "referrer-policy",
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if state.config.csp {
        h.insert("content-security-policy", HeaderValue::from_static(CSP));
    }
    if path.starts_with("/api/") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    } else if path.ends_with(".wasm") || path.ends_with(".js") || path.ends_with(".css") {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    }
    if path.ends_with(".wasm") {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/wasm"),
        );
    }
    // The widget's files are sent compressed or not by Accept-Encoding: a
    // shared cache must keep the two apart.
    if [".wasm", ".js", ".css", ".json"]
        .iter()
        .any(|ext| path.ends_with(ext))
    {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

pub enum BodyError {
    TooLarge,
    /// The body stopped arriving (or was cut off) before it was complete.
    Slow,
}

impl BodyError {
    /// The JSON error answer: 413 `body_too_large` or 408 `body_timeout`.
    pub fn answer(self, too_large: &str, slow: &str) -> Response {
        match self {
            BodyError::TooLarge => {
                error(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", too_large)
            }
            BodyError::Slow => error(StatusCode::REQUEST_TIMEOUT, "body_timeout", slow),
        }
    }
}

/// The whole body, at most `limit` bytes, all of it within `deadline`: a
/// body that trickles in a byte at a time is cut off when the deadline
/// passes, not when it pauses. A `Content-Length` over the limit is refused
/// before anything is read.
pub async fn read_body(
    body: Body,
    limit: usize,
    deadline: std::time::Duration,
) -> Result<axum::body::Bytes, BodyError> {
    use axum::body::HttpBody;
    if body.size_hint().lower() > limit as u64 {
        return Err(BodyError::TooLarge);
    }
    match tokio::time::timeout(deadline, to_bytes(body, limit)).await {
        Err(_) => Err(BodyError::Slow),
        Ok(read) => read.map_err(|e| {
            if e.to_string().contains("length limit") {
                BodyError::TooLarge
            } else {
                BodyError::Slow
            }
        }),
    }
}

/// Every `X-Forwarded-For` line as one comma-separated list, as HTTP
/// reads repeated header lines: a proxy that adds its own line after the
/// client's is read the same as one that appends to the client's line.
fn forwarded_for(headers: &HeaderMap) -> Option<String> {
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect();
    (!lines.is_empty()).then(|| lines.join(","))
}

/// The client a request is counted against for rate limits.
fn client_of(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let forwarded = forwarded_for(headers);
    client_ip(
        peer.ip(),
        forwarded.as_deref(),
        &state.config.trusted_proxies,
    )
}

/// Whether a poll's results policy lets a reader see its numbers at `now`;
/// `voted`: the reader has a vote in it.
pub fn results_visible(poll: &Poll, now: i64, voted: bool) -> bool {
    let closed = !poll.is_open_at(now) && !poll.not_yet_open_at(now);
    match poll.results {
        ResultsVisibility::Always => true,
        ResultsVisibility::AfterVote => voted || closed,
        ResultsVisibility::AfterClose => closed,
        ResultsVisibility::Never => false,
    }
}

/// Whether the reader with voter token `voter` may see the poll's numbers
/// now; the store is asked only for an `after_vote` poll still open.
pub async fn visible_to(state: &AppState, p: &PollState, now: i64, voter: Option<&str>) -> bool {
    if results_visible(&p.poll, now, false) {
        return true;
    }
    if p.poll.results != ResultsVisibility::AfterVote {
        return false;
    }
    let Some(voter) = voter.filter(|v| !v.is_empty() && token(v)) else {
        return false;
    };
    match state.store.has_voted(&p.poll.id, voter).await {
        Ok(voted) => voted,
        Err(e) => {
            tracing::error!(error = %e, "reading a voter's vote failed");
            false
        }
    }
}

/// `?voter=TOKEN` on reads: the voter token of a reader who may have voted
/// (for polls that show results only after a vote). Anything else in the
/// query, or a query that does not parse, is ignored: a read never fails
/// for it.
pub fn voter_param(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "voter")
        .map(|(_, value)| value.into_owned())
}

pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message: message.into(),
        },
    };
    (status, Json(body)).into_response()
}

pub fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

async fn preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            ("access-control-allow-methods", "GET, POST, OPTIONS"),
            ("access-control-allow-headers", "content-type, accept"),
            ("access-control-max-age", "600"),
        ],
    )
        .into_response()
}

/// A store lookup's result, or why there is none: the poll is not there,
/// or the store failed (logged).
fn found<T>(lookup: Result<Option<T>, String>) -> Result<T, VoteError> {
    match lookup {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(VoteError::UnknownPoll),
        Err(e) => {
            tracing::error!(error = %e, "reading a poll failed");
            Err(VoteError::Storage(e))
        }
    }
}

/// A poll by id, or the error answer to send instead.
pub async fn find_poll(state: &AppState, id: &str) -> Result<PollState, Response> {
    found(state.store.get(id).await).map_err(vote_error)
}

async fn get_poll(
    State(state): State<Shared>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let p = match found(state.store.get(&id).await) {
        Ok(p) => p,
        Err(VoteError::UnknownPoll) => {
            return get_survey(&state, &id, voter_param(query.as_deref())).await
        }
        Err(e) => return vote_error(e),
    };
    let now = now_seconds();
    let voter = voter_param(query.as_deref());
    let visible = visible_to(&state, &p, now, voter.as_deref()).await;
    let mut definition = (*p.definition).clone();
    if let Some(obj) = definition.as_object_mut() {
        obj.remove("counts");
        obj.remove("voters");
        obj.remove(ALLOWED_ORIGINS);
    }
    let mut answer = json!({
        "poll": definition,
        "open": p.open_at(now),
    });
    if visible {
        answer["tally"] = json!(TallyBody::from_tally(&p.poll, &p.tally));
    }
    Json(answer).into_response()
}

/// The survey with this id, or the poll's 404 when there is none.
/// `voter` (the `?voter=` token) sees `after_vote` results once answered.
async fn get_survey(state: &AppState, id: &str, voter: Option<String>) -> Response {
    match state.surveys.get(id).await {
        Ok(Some(survey)) => {
            let voter = voter.unwrap_or_default();
            let voted = !voter.is_empty()
                && token(&voter)
                && state
                    .surveys
                    .has_responded(id, &voter)
                    .await
                    .unwrap_or(false);
            crate::survey::http::resource(&survey, voted)
        }
        Ok(None) => vote_error(VoteError::UnknownPoll),
        Err(e) => {
            tracing::error!(error = %e, "reading a survey failed");
            vote_error(VoteError::Storage(e))
        }
    }
}

/// Keys and voter tokens: up to 64 ASCII letters, digits and dashes (a
/// UUID fits). Checked before a vote reaches storage, so nothing a client
/// sends can make a batch it shares with other votes fail.
pub fn token(text: &str) -> bool {
    text.len() <= 64 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether the request's origin may vote on the poll whose `definition`
/// was looked up (by the caller, which may need it for more): same-origin
/// and non-browser clients always; cross-site browsers only from allowed
/// origins (the poll's own list, else the server's; no list allows every
/// site). `Err` when there is no such poll or the store failed.
fn origin_allowed(
    state: &AppState,
    definition: Result<Option<Arc<serde_json::Value>>, String>,
    headers: &HeaderMap,
) -> Result<bool, VoteError> {
    let definition = found(definition)?;
    let own = allowed_origins(&definition);
    let allowed = if own.is_empty() {
        &state.config.allowed_origins
    } else {
        &own
    };
    Ok(origin_ok(allowed, headers))
}

/// Whether a request comes from a site on `allowed` (an empty list allows
/// every site), or from this one, or from no browser at all.
fn origin_ok(allowed: &[String], headers: &HeaderMap) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(site, Some("same-origin") | Some("none")) {
        return true;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => normal_origin(origin).is_some_and(|o| allowed.contains(&o)),
        None => site.is_none(),
    }
}

async fn post_vote(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // Not a poll: a survey's response, or the poll's 404. The definition
    // read here is the one the origin check below uses.
    let definition = state.store.definition(&id).await;
    if matches!(definition, Ok(None)) {
        if !matches!(state.surveys.get(&id).await, Ok(Some(_))) {
            return vote_error(VoteError::UnknownPoll);
        }
        if !origin_ok(&state.config.allowed_origins, &headers) {
            return error(
                StatusCode::FORBIDDEN,
                "origin_not_allowed",
                "Responses are not accepted from this site.",
            );
        }
        return crate::survey::http::post_response(&state, peer, id, &headers, body).await;
    }
    if let Some(refusal) = rate_limited(&state, peer, &headers, "votes") {
        return refusal;
    }
    match origin_allowed(&state, definition, &headers) {
        Ok(true) => {}
        Ok(false) => {
            return error(
                StatusCode::FORBIDDEN,
                "origin_not_allowed",
                "Votes are not accepted from this site.",
            )
        }
        Err(e) => return vote_error(e),
    }
    let vote: VoteBody = match posted_json(&state, &headers, body, MAX_BODY, "vote").await {
        Ok(vote) => vote,
        Err(refusal) => return refusal,
    };
    if let Some(refusal) = bad_key(&vote.key, "vote") {
        return refusal;
    }
    if !token(&vote.voter) || vote.choices.len() > 64 || vote.choices.iter().any(|c| c.len() > 64) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_vote",
            "The voter must be a token of up to 64 letters, digits and dashes, and choices at most 64.",
        );
    }
    let result = state
        .store
        .vote(VoteRequest {
            poll: id,
            key: vote.key,
            voter: vote.voter,
            choices: vote.choices,
        })
        .await;
    match result {
        Ok(ok) => {
            let status = if ok.counted {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            // A poll whose numbers this reader may not see yet answers with
            // an empty tally: the shape the protocol promises, no numbers.
            let tally = if results_visible(&ok.poll, now_seconds(), true) {
                TallyBody::from_tally(&ok.poll, &ok.tally)
            } else {
                TallyBody::default()
            };
            let answer = VoteAnswer {
                tally,
                counted: ok.counted,
            };
            (status, Json(answer)).into_response()
        }
        Err(e) => vote_error(e),
    }
}

/// The 429 for a client past its rate, if it is; `what` names what it
/// posts ("votes", "responses").
pub fn rate_limited(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    what: &str,
) -> Option<Response> {
    let wait = state.limiter.check(client_of(state, peer, headers)).err()?;
    let message = format!("Too many {what} from this address; try again shortly.");
    Some(with_retry_after(
        error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &message),
        wait,
    ))
}

/// A posted vote or response (`what`) as JSON of type `T`, or the answer
/// refusing it: a media type other than JSON or the beacon's text, a body
/// over `limit` bytes or too slow to arrive, or JSON of another shape.
pub async fn posted_json<T: serde::de::DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    what: &str,
) -> Result<T, Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let media = content_type.split(';').next().unwrap_or("").trim();
    if media != "application/json" && media != "text/plain" {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            &format!("Send the {what} as application/json (or text/plain from sendBeacon)."),
        ));
    }
    let bytes = read_body(body, limit, state.config.body_timeout)
        .await
        .map_err(|e| {
            e.answer(
                &format!("The {what} is larger than {} KB.", limit / 1024),
                &format!("The {what} took too long to arrive."),
            )
        })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            "bad_json",
            &format!("The {what} is not valid JSON of the expected shape: {e}"),
        )
    })
}

/// The 400 for a missing or malformed idempotency key, if it is.
pub fn bad_key(key: &str, what: &str) -> Option<Response> {
    (key.is_empty() || !token(key)).then(|| {
        error(
            StatusCode::BAD_REQUEST,
            "bad_key",
            &format!(
                "The {what} needs a key: a UUID or similar token of up to 64 letters, digits and dashes."
            ),
        )
    })
}

pub fn vote_error(e: VoteError) -> Response {
    match e {
        VoteError::UnknownPoll => error(
            StatusCode::NOT_FOUND,
            "unknown_poll",
            "There is no poll with this id.",
        ),
        VoteError::Closed => error(StatusCode::FORBIDDEN, "poll_closed", "This poll is closed."),
        VoteError::NotOpenYet => error(
            StatusCode::FORBIDDEN,
            "poll_not_open",
            "This poll is not open yet.",
        ),
        VoteError::NoChoice => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_choice",
            "Choose an option.",
        ),
        VoteError::TooManyChoices => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_choices",
            "Too many options were chosen.",
        ),
        VoteError::InvalidChoice(_) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_choice",
            "A chosen option is not part of this poll.",
        ),
        VoteError::AlreadyVoted => error(
            StatusCode::CONFLICT,
            "already_voted",
            "You have already voted in this poll.",
        ),
        VoteError::Storage(_) => with_retry_after(
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Votes cannot be stored right now; try again shortly.",
            ),
            2,
        ),
    }
}

/// The no-JS form's voter cookie: a first-party token that makes one
/// browser one reader, as the widget's stored token does.
const VOTER_COOKIE: &str = "readerpoll_voter";

/// The voter token in the request's cookie, if it is a well-formed one.
fn voter_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == VOTER_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty() && token(v))
}

/// The `Set-Cookie` value giving a browser voter token `voter`, not
/// readable by scripts.
///
/// Over https the cookie is `SameSite=None; Secure; Partitioned`: the page
/// is mostly seen inside a news site's iframe (oEmbed), a cross-site
/// context where a `Lax` cookie is never sent, so each post would come
/// from a new reader and one browser could vote again and again. The
/// `Partitioned` jar is keyed by the top-level site, so another site
/// framing the page gets a jar of its own and cannot vote as this reader.
/// Browsers refuse `None` without `Secure`, so plain http (a local
/// server) keeps `Lax`, which covers the page opened on its own.
fn voter_set_cookie(state: &AppState, voter: &str) -> Option<HeaderValue> {
    let context = if state.config.public_origin.starts_with("https://") {
        "SameSite=None; Secure; Partitioned"
    } else {
        "SameSite=Lax"
    };
    HeaderValue::from_str(&format!(
        "{VOTER_COOKIE}={voter}; Path=/polls; Max-Age=31536000; HttpOnly; {context}"
    ))
    .ok()
}

/// The browser's voter token, and whether it is new (to be set).
fn voter_of(headers: &HeaderMap) -> (String, bool) {
    match voter_cookie(headers) {
        Some(voter) => (voter, false),
        None => (embed::random_token(), true),
    }
}

fn set_voter(state: &AppState, mut response: Response, voter: &str, new: bool) -> Response {
    if new {
        if let Some(cookie) = voter_set_cookie(state, voter) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

async fn embed_page(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let p = match find_poll(&state, &id).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let (voter, new) = voter_of(&headers);
    let now = now_seconds();
    let visible = !new && visible_to(&state, &p, now, Some(&voter)).await
        || results_visible(&p.poll, now, false);
    let page = embed::page(&p, now, visible).into_response();
    set_voter(&state, page, &voter, new)
}

/// The no-JS fallback's form post: counts the vote, then shows the results.
async fn post_form(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let client = client_of(&state, peer, &headers);
    if let Err(wait) = state.limiter.check(client) {
        return with_retry_after(
            (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many votes; try again shortly.",
            )
                .into_response(),
            wait,
        );
    }
    if !form_from_own_page(&state, &headers) && !form_from_named_site(&state, &id, &headers).await {
        return error(
            StatusCode::FORBIDDEN,
            "cross_site_form",
            "The form is accepted only from its own page.",
        );
    }
    let bytes = match read_body(body, MAX_BODY, state.config.body_timeout).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "The vote is too large.").into_response()
        }
        Err(BodyError::Slow) => {
            return (StatusCode::REQUEST_TIMEOUT, "The vote took too long.").into_response()
        }
    };
    let choices: Vec<String> = form_values(&bytes, "choice");
    let key = form_values(&bytes, "key")
        .pop()
        .unwrap_or_else(embed::random_key);
    if key.is_empty() || !token(&key) || choices.len() > 64 {
        return (StatusCode::BAD_REQUEST, "The vote is malformed.").into_response();
    }
    let (voter, new) = voter_of(&headers);
    let result = state
        .store
        .vote(VoteRequest {
            poll: id.clone(),
            key,
            voter: voter.clone(),
            choices,
        })
        .await;
    let answer = match result {
        Ok(_) => Redirect::to(&format!("/polls/{id}/embed?voted=1")).into_response(),
        Err(VoteError::UnknownPoll) => {
            return (StatusCode::NOT_FOUND, "There is no poll with this id.").into_response()
        }
        Err(_) => Redirect::to(&format!("/polls/{id}/embed?refused=1")).into_response(),
    };
    set_voter(&state, answer, &voter, new)
}

/// Whether a form post comes from the form's own page (or from no browser
/// that says where it was posted from).
///
/// The voter cookie goes with a top-level cross-site post (it is
/// `SameSite=None` over https), so another site's page could vote as the
/// reader (sites the operator named are let in by `form_from_named_site`).
/// A post with neither `Sec-Fetch-Site` nor `Origin`
/// (an old browser, curl) is accepted. The own origin is `--public-url`;
/// without it, also the `Host` the request was sent to (with either scheme:
/// behind a TLS proxy the server cannot tell which the reader used).
fn form_from_own_page(state: &AppState, headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    if text("sec-fetch-site").is_some_and(|site| site != "same-origin") {
        return false;
    }
    let Some(origin) = text(header::ORIGIN.as_str()) else {
        return true;
    };
    let Some(origin) = normal_origin(origin) else {
        return false;
    };
    if origin == state.config.public_origin {
        return true;
    }
    if !state.config.origin_from_host {
        return false;
    }
    let host = text(header::HOST.as_str()).unwrap_or("");
    ["http", "https"]
        .iter()
        .any(|scheme| normal_origin(&format!("{scheme}://{host}")).as_ref() == Some(&origin))
}

/// Whether a cross-site form post comes from a site the operator named
/// (the poll's own `allowed_origins`, else `--allow-origin`): such a site
/// puts the fallback form in its own articles on purpose, and the reader's
/// cookie going with the post is then the reader's own doing. With no list
/// named (every site may post JSON votes), no other site may post the form.
async fn form_from_named_site(state: &AppState, id: &str, headers: &HeaderMap) -> bool {
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(normal_origin)
    else {
        return false;
    };
    let own = match state.store.definition(id).await {
        Ok(Some(definition)) => allowed_origins(&definition),
        _ => Vec::new(),
    };
    let named = if own.is_empty() {
        &state.config.allowed_origins
    } else {
        &own
    };
    named.contains(&origin)
}

/// Values of `name` in an urlencoded body.
fn form_values(body: &[u8], name: &str) -> Vec<String> {
    form_urlencoded::parse(body)
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .collect()
}
