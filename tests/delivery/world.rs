//! An in-memory browser and backend for the delivery machine: tabs with
//! copies of one poll, a localStorage they share (which can be full), a
//! network whose requests arrive, fail, hang or lose their answers in any
//! order, a clock that moves only when told, and a server that counts like
//! the reference one (idempotent by key, one vote per voter). Each copy runs
//! the real `core::machine` (what the reader sees) and `core::delivery`
//! (what is sent and kept), joined as `src/dom` joins them.

use std::collections::BTreeMap;

use readerpoll::core::answers;
use readerpoll::core::delivery::survey::{fate, Fate};
use readerpoll::core::delivery::{step, Delivery, Host, Input};
use readerpoll::core::machine::{step as widget_step, Effect, Event, Phase, State};
use readerpoll::core::outbox::{Ballot, Pending, Protocol};
use readerpoll::core::poll::{Poll, RawPoll};
use readerpoll::core::survey::{RawSurvey, Response, Survey};
use readerpoll::core::survey_flow::{self, Flow};
use readerpoll::core::tally::Tally;
use readerpoll::transport::payload::{Answer, WireTally};
use readerpoll::transport::protocol::classify;

pub const OPTIONS: [&str; 3] = ["a", "b", "c"];
pub const BASE: [u64; 3] = [10, 20, 30];
pub const BASE_VOTERS: u64 = 60;
pub const POLL: &str = "p";
pub const ENDPOINT: &str = "https://example.org/api";
pub const VOTER: &str = "reader";
pub const TIMEOUT_MS: u32 = 1_000;

pub fn poll(allow_change: bool) -> Poll {
    let raw: RawPoll = serde_json::from_value(serde_json::json!({
        "id": POLL, "question": "Q?",
        "options": OPTIONS.iter().map(|o| serde_json::json!({"id": o, "label": o})).collect::<Vec<_>>(),
        "counts": {"a": BASE[0], "b": BASE[1], "c": BASE[2]}, "voters": BASE_VOTERS,
        "allow_change": allow_change,
    }))
    .unwrap();
    Poll::from_raw(raw).unwrap()
}

/// The reference server's counting, for one reader of one poll.
#[derive(Debug, Default)]
pub struct Server {
    pub allow_change: bool,
    /// Every key seen, with the answer it got first.
    pub keys: BTreeMap<String, u16>,
    /// The reader's counted vote.
    pub ballot: Option<(String, Vec<String>)>,
    /// How many times a vote changed the numbers.
    pub counted: u32,
    pub down: bool,
    /// Refuses every vote with this code (403).
    pub refusing: Option<&'static str>,
}

impl Server {
    pub fn tally(&self) -> WireTally {
        let mut counts: Vec<(String, u64)> = OPTIONS
            .iter()
            .zip(BASE)
            .map(|(o, n)| (o.to_string(), n))
            .collect();
        let mut voters = BASE_VOTERS;
        if let Some((_, choices)) = &self.ballot {
            voters += 1;
            for c in choices {
                // (A survey's response is its answers line: no option.)
                if let Some(count) = counts.iter_mut().find(|(o, _)| o == c) {
                    count.1 += 1;
                }
            }
        }
        WireTally { counts, voters }
    }

    /// A vote arrives: the status and body it is answered with.
    pub fn vote(&mut self, vote: &Pending) -> (u16, Answer) {
        if self.down {
            return (503, error_answer("unavailable"));
        }
        if let Some(code) = self.refusing {
            return (403, error_answer(code));
        }
        let status = if self.keys.contains_key(&vote.key) {
            200
        } else if self.ballot.is_some() && !self.allow_change {
            409
        } else {
            self.ballot = Some((vote.key.clone(), vote.choices.clone()));
            self.counted += 1;
            201
        };
        if status == 409 {
            // Nothing counted, nothing remembered of the key.
            return (409, error_answer("already_voted"));
        }
        self.keys.entry(vote.key.clone()).or_insert(status);
        let answer = Answer {
            json: true,
            tally: Some(self.tally()),
            error_code: None,
            error_message: None,
        };
        (status, answer)
    }
}

fn error_answer(code: &str) -> Answer {
    Answer {
        json: true,
        tally: None,
        error_code: Some(code.into()),
        error_message: Some(format!("{code}.")),
    }
}

#[derive(Debug, Clone)]
pub enum Kind {
    Vote { vote: Pending, beacon: bool },
    Read { epoch: u32 },
}

#[derive(Debug, Clone)]
pub struct Request {
    pub tab: usize,
    pub copy: usize,
    /// The tab's life it belongs to: answers to a closed page are lost.
    pub life: u32,
    pub kind: Kind,
    /// The server's answer, once it arrived there.
    pub reached: Option<(u16, Answer)>,
    /// When the browser gives up on it.
    pub deadline: u64,
}

pub struct Copy {
    pub widget: State,
    /// A copy of the survey (`World::survey`): its flow, which hears the
    /// delivery's outcomes instead of `widget`.
    pub flow: Option<Flow>,
    pub delivery: Option<Delivery>,
    pub wake_at: Option<u64>,
    /// Ballots announced with `poll-voted` (option ids).
    pub voted: Vec<Vec<String>>,
    pub mounted: bool,
    /// A read of the numbers failed: they may be stale (too low, never
    /// too high) until the next.
    pub read_failed: bool,
}

pub struct Tab {
    pub alive: bool,
    pub life: u32,
    pub copies: Vec<Copy>,
    /// What storage refused, kept by the page (the JS `kept` map).
    pub kept_outbox: BTreeMap<String, Option<Pending>>,
    pub kept_ballot: Option<Option<Ballot>>,
    /// Votes cast on this page, and whether a copy holds each.
    pub here: BTreeMap<String, bool>,
    /// Writes other tabs do not see yet (`World::lagging`).
    pub lagging_outbox: BTreeMap<String, Option<Pending>>,
    /// Another tab wrote storage since this one last looked.
    pub storage_news: bool,
}

pub struct World {
    pub poll: Poll,
    /// Copies mounted from now on are of this survey, not of the poll.
    pub survey: Option<Survey>,
    /// How copies mounted from now on send.
    pub protocol: Protocol,
    pub server: Server,
    pub outbox: BTreeMap<String, Pending>,
    pub ballot: Option<Ballot>,
    pub storage_full: bool,
    pub tabs: Vec<Tab>,
    pub net: Vec<Request>,
    pub now: u64,
    pub next_key: u32,
    pub random: u32,
    /// Every ballot announced, with its tab, for "announced once".
    pub announced: Vec<(usize, Vec<String>)>,
    /// Votes the reader was told are saved or counted.
    pub cast: u32,
    /// Storage was full at some point: a vote may then live in one page
    /// only, and go with it.
    pub ever_full: bool,
    /// A tab could not see another's writes at some point (full or lagging).
    pub ever_blind: bool,
    /// Each tab sees its own storage writes only, until `sync` (storage
    /// across browser processes is not instantly shared).
    pub lagging: bool,
    /// The element's `endpoint`; `None` counts votes in the page.
    pub endpoint: Option<String>,
    pub log: Vec<String>,
}

impl World {
    pub fn new(allow_change: bool) -> World {
        World {
            poll: poll(allow_change),
            survey: None,
            protocol: Protocol::Json,
            server: Server {
                allow_change,
                ..Server::default()
            },
            outbox: BTreeMap::new(),
            ballot: None,
            storage_full: false,
            tabs: Vec::new(),
            net: Vec::new(),
            now: 1_000_000,
            next_key: 0,
            random: 0,
            announced: Vec::new(),
            cast: 0,
            ever_full: false,
            ever_blind: false,
            lagging: false,
            endpoint: Some(ENDPOINT.into()),
            log: Vec::new(),
        }
    }

    /// A world whose copies are of the demo survey (one response per reader).
    pub fn survey() -> World {
        let raw: RawSurvey =
            serde_json::from_str(include_str!("../fixtures/workload-survey.json")).unwrap();
        World {
            survey: Some(Survey::from_raw(raw).unwrap()),
            ..World::new(false)
        }
    }

    /// Opens a new tab with `copies` copies of the poll; its index.
    pub fn open(&mut self, copies: usize) -> usize {
        self.tabs.push(Tab {
            alive: true,
            life: 0,
            copies: Vec::new(),
            kept_outbox: BTreeMap::new(),
            kept_ballot: None,
            here: BTreeMap::new(),
            lagging_outbox: BTreeMap::new(),
            storage_news: false,
        });
        let tab = self.tabs.len() - 1;
        for _ in 0..copies {
            self.mount(tab);
        }
        tab
    }

    /// Mounts one more copy in `tab` (as the element does, with the
    /// page's own numbers, then a read).
    pub fn mount(&mut self, tab: usize) -> usize {
        let stored = self.read_ballot(tab).map(|b| b.choices);
        let mut widget = State::Loading;
        widget_step(
            &mut widget,
            Event::Loaded {
                poll: Box::new(self.poll.clone()),
                stored,
                now: 1_800_000_000,
                current: false,
            },
        );
        let mut delivery = Delivery::new(
            POLL.into(),
            self.endpoint.clone(),
            self.protocol,
            VOTER.into(),
            TIMEOUT_MS,
        );
        delivery.changes = self.poll.allow_change;
        // As `dom::survey` does: a response counted on an earlier visit or in
        // another tab shows as done.
        let flow = self.survey.clone().map(|survey| {
            let mut flow = Flow::new(survey, None);
            if self.read_ballot(tab).is_some() {
                flow.phase = survey_flow::Phase::Done;
            }
            flow
        });
        self.tabs[tab].copies.push(Copy {
            widget,
            flow,
            delivery: Some(delivery),
            wake_at: None,
            voted: Vec::new(),
            mounted: true,
            read_failed: false,
        });
        let copy = self.tabs[tab].copies.len() - 1;
        self.input(tab, copy, Input::Start { fresh: false });
        copy
    }

    /// The copy goes (the element is removed or remounted).
    pub fn unmount(&mut self, tab: usize, copy: usize) {
        if self.tabs[tab].copies[copy].mounted {
            self.input(tab, copy, Input::Stop);
            let c = &mut self.tabs[tab].copies[copy];
            c.mounted = false;
            c.wake_at = None;
        }
    }

    /// The tab closes: its page memory and its answers are gone. (Requests
    /// already on their way may still arrive.)
    pub fn close(&mut self, tab: usize) {
        // What it wrote is written, whoever sees it yet.
        self.flush(tab);
        let t = &mut self.tabs[tab];
        t.alive = false;
        t.life += 1;
        t.copies.clear();
        t.kept_outbox.clear();
        t.kept_ballot = None;
        t.here.clear();
        t.lagging_outbox.clear();
    }

    /// Every tab's writes become visible to all (and storage events fire).
    pub fn sync(&mut self) {
        self.lagging = false;
        for tab in 0..self.tabs.len() {
            self.flush(tab);
        }
    }

    /// `tab`'s outbox writes that others have not seen yet become visible.
    fn flush(&mut self, tab: usize) {
        let writes = std::mem::take(&mut self.tabs[tab].lagging_outbox);
        for (key, vote) in writes {
            match vote {
                Some(vote) => self.outbox.insert(key, vote),
                None => self.outbox.remove(&key),
            };
            self.wrote(tab);
        }
    }

    pub fn reload(&mut self, tab: usize) {
        let copies = self.tabs[tab].copies.len().max(1);
        self.close(tab);
        self.tabs[tab].alive = true;
        for _ in 0..copies {
            self.mount(tab);
        }
    }

    fn read_ballot(&self, tab: usize) -> Option<Ballot> {
        match &self.tabs[tab].kept_ballot {
            Some(kept) => kept.clone(),
            None => self.ballot.clone(),
        }
    }

    pub fn live(&self, tab: usize, copy: usize) -> &readerpoll::core::machine::Live {
        match &self.tabs[tab].copies[copy].widget {
            State::Live(l) => l,
            other => panic!("not live: {other:?}"),
        }
    }

    /// The reader chooses `option` and presses Vote (changing their vote
    /// first where that is what the copy offers).
    pub fn vote(&mut self, tab: usize, copy: usize, option: usize) {
        if !self.tabs[tab].alive || !self.tabs[tab].copies[copy].mounted {
            return;
        }
        if self.live(tab, copy).phase == Phase::Results {
            self.widget(tab, copy, Event::ChangeVote);
        }
        if self.live(tab, copy).phase != Phase::Ballot {
            return;
        }
        if !self.live(tab, copy).selection.contains(option) {
            self.widget(tab, copy, Event::Toggle(option));
        }
        // As `dom` does: a vote cast elsewhere since this copy loaded first.
        self.input(tab, copy, Input::Voting);
        self.widget(tab, copy, Event::Submit);
    }

    /// Steps a copy's widget and carries out its effects.
    pub fn widget(&mut self, tab: usize, copy: usize, event: Event) {
        let effects = widget_step(&mut self.tabs[tab].copies[copy].widget, event);
        for effect in effects {
            match effect {
                Effect::Send => {
                    let live = self.live(tab, copy);
                    let choices =
                        readerpoll::core::ballot::ids_of(&live.poll, live.mine.as_ref().unwrap());
                    self.cast_vote(tab, copy, choices);
                }
                Effect::Voted => {
                    let live = self.live(tab, copy);
                    let ids =
                        readerpoll::core::ballot::ids_of(&live.poll, live.mine.as_ref().unwrap());
                    self.log
                        .push(format!("tab {tab}.{copy} poll-voted {ids:?}"));
                    self.announced.push((tab, ids.clone()));
                    self.tabs[tab].copies[copy].voted.push(ids);
                }
                _ => {}
            }
        }
    }

    /// One input into a copy's delivery machine, as `dom::delivery` does:
    /// the machine is taken out while it runs, and what the widget is told
    /// is passed on afterwards.
    pub fn input(&mut self, tab: usize, copy: usize, input: Input) {
        if !self.tabs[tab].alive || !self.tabs[tab].copies[copy].mounted {
            return;
        }
        self.log.push(format!("tab {tab}.{copy} <- {input:?}"));
        let mut d = self.tabs[tab].copies[copy].delivery.take().unwrap();
        let told = step(
            &mut d,
            input,
            &mut Page {
                world: self,
                tab,
                copy,
            },
        );
        self.tabs[tab].copies[copy].delivery = Some(d);
        for event in told {
            self.tell(tab, copy, event);
        }
    }

    fn tell(&mut self, tab: usize, copy: usize, event: Event) {
        self.log.push(format!("tab {tab}.{copy} told {event:?}"));
        if self.tabs[tab].copies[copy].flow.is_some() {
            match fate(event) {
                Some(Fate::Counted) => self.flow(tab, copy, survey_flow::Event::Accepted),
                Some(Fate::CountedElsewhere(line)) => {
                    // As `dom::survey`: the counted answers replace this
                    // page's, shown as done and not announced here.
                    let flow = self.tabs[tab].copies[copy].flow.as_mut().unwrap();
                    if flow.phase == survey_flow::Phase::Sending {
                        flow.draft = answers::decode_draft(&flow.survey, &line).unwrap();
                        survey_flow::step(flow, survey_flow::Event::Accepted);
                    }
                }
                Some(Fate::Refused(message)) => {
                    self.flow(tab, copy, survey_flow::Event::Refused(message))
                }
                None => {}
            }
            return;
        }
        self.widget(tab, copy, event);
    }

    /// The reader of a survey copy gives `response` and submits it.
    pub fn respond(&mut self, tab: usize, copy: usize, response: Response) {
        if !self.tabs[tab].alive || !self.tabs[tab].copies[copy].mounted {
            return;
        }
        self.tabs[tab].copies[copy].flow.as_mut().unwrap().draft = response;
        self.flow(tab, copy, survey_flow::Event::Submit);
    }

    /// Steps a survey copy's flow and carries out its sending, as
    /// `dom::survey` does: `Send` casts the answers line through the
    /// delivery, `AnnounceDone` is its `poll-voted`.
    pub fn flow(&mut self, tab: usize, copy: usize, event: survey_flow::Event) {
        let flow = self.tabs[tab].copies[copy].flow.as_mut().unwrap();
        let effects = survey_flow::step(flow, event);
        let line = answers::encode(&flow.survey, &flow.draft);
        for effect in effects {
            match effect {
                survey_flow::Effect::Send => {
                    // As a poll does: another tab's response since this one
                    // loaded is the reader's.
                    self.input(tab, copy, Input::Voting);
                    self.cast_vote(tab, copy, vec![line.clone()]);
                }
                survey_flow::Effect::AnnounceDone => {
                    self.log.push(format!("tab {tab}.{copy} poll-voted {line}"));
                    self.announced.push((tab, vec![line.clone()]));
                    self.tabs[tab].copies[copy].voted.push(vec![line.clone()]);
                }
                _ => {}
            }
        }
    }

    /// The reader's vote (or survey response) goes to the delivery, with
    /// a new key.
    fn cast_vote(&mut self, tab: usize, copy: usize, choices: Vec<String>) {
        self.next_key += 1;
        let key = format!("k{}", self.next_key);
        self.cast += 1;
        self.log
            .push(format!("tab {tab}.{copy} casts {key} {choices:?}"));
        let hosted = false;
        self.input(
            tab,
            copy,
            Input::Cast {
                key,
                choices,
                hosted,
            },
        );
    }

    pub fn phase(&self, tab: usize, copy: usize) -> survey_flow::Phase {
        self.tabs[tab].copies[copy].flow.as_ref().unwrap().phase
    }

    /// Settles a vote's answer where the copy that sent it has gone, as the
    /// browser's callback does: the outbox still learns it.
    fn detached(&mut self, tab: usize, copy: usize, input: Input) {
        let Some(d) = self.tabs[tab]
            .copies
            .get(copy)
            .and_then(|c| c.delivery.as_ref())
        else {
            return;
        };
        let mut d = d.detached();
        let _ = step(
            &mut d,
            input,
            &mut Page {
                world: self,
                tab,
                copy,
            },
        );
    }

    /// The request's answer comes back (reaching the server first if it
    /// had not yet).
    pub fn answer(&mut self, i: usize) {
        if i >= self.net.len() {
            return;
        }
        self.reach(i);
        let r = self.net.remove(i);
        let (status, answer) = r.reached.clone().unwrap();
        self.deliver(r, status, answer);
    }

    /// The request reaches the server, its answer not yet back.
    pub fn reach(&mut self, i: usize) {
        let Some(r) = self.net.get(i) else { return };
        if r.reached.is_some() {
            return;
        }
        let reached = match &r.kind {
            Kind::Vote { vote, .. } => self.server.vote(&vote.clone()),
            Kind::Read { .. } => (
                200,
                Answer {
                    json: true,
                    tally: Some(self.server.tally()),
                    error_code: None,
                    error_message: None,
                },
            ),
        };
        self.net[i].reached = Some(reached);
    }

    /// The request fails: no answer (a network error before it arrived,
    /// or, if it arrived, a lost answer).
    pub fn fail(&mut self, i: usize) {
        if i >= self.net.len() {
            return;
        }
        let r = self.net.remove(i);
        if let Kind::Read { .. } = r.kind {
            if let Some(c) = self.tabs[r.tab].copies.get_mut(r.copy) {
                c.read_failed = true;
            }
        }
        self.deliver(r, 0, Answer::default());
    }

    fn deliver(&mut self, r: Request, status: u16, answer: Answer) {
        let alive = self.tabs[r.tab].alive && self.tabs[r.tab].life == r.life;
        match r.kind {
            Kind::Vote { beacon: true, .. } => {}
            Kind::Vote { vote, .. } => {
                if !alive {
                    return;
                }
                let outcome = classify(&vote, status, &answer, None);
                let input = Input::Answer { vote, outcome };
                if self.tabs[r.tab].copies[r.copy].mounted {
                    self.input(r.tab, r.copy, input);
                } else {
                    self.detached(r.tab, r.copy, input);
                }
            }
            Kind::Read { epoch } => {
                if let (true, Some(tally)) = (alive, answer.tally) {
                    self.input(
                        r.tab,
                        r.copy,
                        Input::Numbers {
                            epoch,
                            tally,
                            closed: false,
                        },
                    );
                }
            }
        }
    }

    /// The clock moves to `at`: requests past their deadline fail.
    pub fn advance(&mut self, at: u64) {
        if at <= self.now {
            return;
        }
        self.now = at;
        while let Some(i) = self.net.iter().position(|r| r.deadline <= self.now) {
            self.fail(i);
        }
    }

    /// The soonest timer fires.
    pub fn timer(&mut self) -> bool {
        let mut soonest: Option<(u64, usize, usize)> = None;
        for (t, tab) in self.tabs.iter().enumerate() {
            for (c, copy) in tab.copies.iter().enumerate() {
                if let (true, Some(at)) = (copy.mounted, copy.wake_at) {
                    if soonest.is_none_or(|(s, _, _)| at < s) {
                        soonest = Some((at, t, c));
                    }
                }
            }
        }
        let Some((at, tab, copy)) = soonest else {
            return false;
        };
        self.advance(at);
        self.tabs[tab].copies[copy].wake_at = None;
        self.input(tab, copy, Input::Timer);
        true
    }

    /// The `storage` event reaches `tab`, if another tab wrote since.
    pub fn storage_event(&mut self, tab: usize) {
        if !self.tabs[tab].alive || !std::mem::take(&mut self.tabs[tab].storage_news) {
            return;
        }
        for copy in 0..self.tabs[tab].copies.len() {
            self.input(tab, copy, Input::StorageChanged);
        }
    }

    pub fn everywhere(&mut self, tab: usize, input: Input) {
        for copy in 0..self.tabs.get(tab).map_or(0, |t| t.copies.len()) {
            self.input(tab, copy, input.clone());
        }
    }

    /// Storage changed: other tabs hear of it (`storage` events), and so
    /// do the other copies on this page (the page's own notice).
    fn wrote(&mut self, _tab: usize) {
        for tab in self.tabs.iter_mut() {
            tab.storage_news = true;
        }
    }

    /// Runs until nothing is left to happen, with the network and server
    /// well: every request answered, every storage event and timer fired.
    pub fn settle(&mut self) {
        self.server.down = false;
        self.sync();
        for _ in 0..500 {
            if !self.net.is_empty() {
                self.answer(0);
                continue;
            }
            if let Some(tab) = self.tabs.iter().position(|t| t.alive && t.storage_news) {
                self.storage_event(tab);
                continue;
            }
            if !self.timer() {
                return;
            }
        }
        panic!("no quiet after 500 steps:\n{}", self.log.join("\n"));
    }

    pub fn shown(&self, tab: usize, copy: usize) -> Option<Vec<String>> {
        let live = self.live(tab, copy);
        live.mine
            .as_ref()
            .map(|m| readerpoll::core::ballot::ids_of(&live.poll, m))
    }

    pub fn shown_tally(&self, tab: usize, copy: usize) -> Tally {
        self.live(tab, copy).shown_tally()
    }
}

/// One tab seen from one of its copies: what `Host` needs.
struct Page<'a> {
    world: &'a mut World,
    tab: usize,
    copy: usize,
}

impl Host for Page<'_> {
    fn outbox(&mut self) -> Vec<Pending> {
        let mut all = self.world.outbox.clone();
        let tab = &self.world.tabs[self.tab];
        for (key, kept) in tab.kept_outbox.iter().chain(&tab.lagging_outbox) {
            match kept {
                Some(vote) => all.insert(key.clone(), vote.clone()),
                None => all.remove(key),
            };
        }
        all.into_values().collect()
    }

    fn ballot(&mut self, _poll: &str) -> Option<Ballot> {
        self.world.read_ballot(self.tab)
    }

    fn free_here(&mut self, key: &str) -> bool {
        self.world.tabs[self.tab].here.get(key) == Some(&false)
    }

    fn now(&mut self) -> u64 {
        self.world.now
    }

    fn random(&mut self) -> u32 {
        self.world.random
    }

    fn store(&mut self, vote: &Pending) -> bool {
        let tab = &mut self.world.tabs[self.tab];
        if self.world.lagging {
            tab.lagging_outbox
                .insert(vote.key.clone(), Some(vote.clone()));
            return true;
        }
        if self.world.storage_full {
            tab.kept_outbox.insert(vote.key.clone(), Some(vote.clone()));
            return false;
        }
        tab.kept_outbox.remove(&vote.key);
        self.world.outbox.insert(vote.key.clone(), vote.clone());
        self.world.wrote(self.tab);
        true
    }

    fn forget(&mut self, key: &str) {
        self.world.tabs[self.tab].kept_outbox.remove(key);
        if self.world.lagging {
            self.world.tabs[self.tab]
                .lagging_outbox
                .insert(key.into(), None);
            return;
        }
        self.world.outbox.remove(key);
        self.world.wrote(self.tab);
    }

    fn keep(&mut self, _poll: &str, ballot: &Ballot) -> bool {
        if self.world.storage_full {
            self.world.tabs[self.tab].kept_ballot = Some(Some(ballot.clone()));
            return false;
        }
        self.world.tabs[self.tab].kept_ballot = None;
        self.world.ballot = Some(ballot.clone());
        self.world.wrote(self.tab);
        true
    }

    fn send(&mut self, copy: &Delivery, mut vote: Pending, beacon: bool) {
        // As the browser does: the sending copy's protocol and credential.
        vote.protocol = copy.protocol;
        vote.voter = copy.voter.clone();
        let life = self.world.tabs[self.tab].life;
        self.world.net.push(Request {
            tab: self.tab,
            copy: self.copy,
            life,
            kind: Kind::Vote { vote, beacon },
            reached: None,
            deadline: self.world.now + u64::from(TIMEOUT_MS),
        });
    }

    fn read(&mut self, _copy: &Delivery, epoch: u32) {
        let life = self.world.tabs[self.tab].life;
        self.world.net.push(Request {
            tab: self.tab,
            copy: self.copy,
            life,
            kind: Kind::Read { epoch },
            reached: None,
            deadline: self.world.now + u64::from(TIMEOUT_MS),
        });
    }

    fn wake_at(&mut self, at_ms: u64) {
        self.world.tabs[self.tab].copies[self.copy].wake_at = Some(at_ms);
    }

    fn hold(&mut self, key: &str) {
        self.world.tabs[self.tab].here.insert(key.into(), true);
    }

    fn release(&mut self, key: &str) {
        if let Some(held) = self.world.tabs[self.tab].here.get_mut(key) {
            *held = false;
        }
    }

    fn report(&mut self, code: &str, message: &str, retry: bool) {
        let what = if retry { "will retry" } else { "refused" };
        self.world.log.push(format!(
            "tab {}.{} reports {code}: {message} ({what})",
            self.tab, self.copy
        ));
    }
}
