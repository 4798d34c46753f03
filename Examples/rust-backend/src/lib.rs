//! A Warden backend in Rust, written against `warden_backend.h` alone.
//!
//! It keeps bans in memory: instances of one process that name the same `store`
//! in their config share them. The `#[repr(C)]` structs below mirror the header
//! member by member; the `const` asserts check the v1.0 layout at compile time.
//! Like every reader of the ABI (see VERSIONING in the header), it refuses structs
//! smaller than ABI 1.0's, reads each one into its own layout with
//! [`copy_versioned`], and walks the signal's arrays by the host's strides.
//! Build: `cargo build --release` → `target/release/libwarden_rust_example.so`.
#![allow(non_camel_case_types)]

use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::mem::{offset_of, size_of};
use std::sync::{Mutex, OnceLock};

// ------------------------------------------------------------------ the ABI

const WARDEN_ABI_MAGIC: u32 = 0x4E52_4457;
const WARDEN_ABI_VERSION_MAJOR: u32 = 1;
const WARDEN_ABI_VERSION_MINOR: u32 = 2;
const WARDEN_OK: i32 = 0;
const WARDEN_E_INVALID: i32 = 1;
const WARDEN_E_ABI: i32 = 5;
const WARDEN_LOG_DEBUG: i32 = 1;
const WARDEN_SCOPE_IP: u32 = 1;
const WARDEN_SCOPE_RANGE: u32 = 2;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct warden_str_t {
    ptr: *const c_char,
    len: usize,
}

#[repr(C)]
pub struct warden_kv_t {
    key: warden_str_t,
    value: warden_str_t,
}

#[repr(C)]
pub struct warden_map_t {
    items: *const warden_kv_t,
    count: usize,
}

#[repr(C)]
pub struct warden_ban_t {
    struct_size: u32,
    scope: u32,
    target: warden_str_t,
    range_start: [u8; 16],
    range_end: [u8; 16],
    origin: warden_str_t,
    action: warden_str_t,
    reason: warden_str_t,
    scenario: warden_str_t,
    country: warden_str_t,
    as_name: warden_str_t,
    as_number: i64,
    until_ns: i64,
}

#[repr(C)]
pub struct warden_event_t {
    struct_size: u32,
    reserved: u32,
    time_ns: i64,
    source: warden_str_t,
    serialized: warden_str_t,
}

#[repr(C)]
pub struct warden_signal_t {
    struct_size: u32,
    simulated: u32,
    scenario: warden_str_t,
    message: warden_str_t,
    source: warden_str_t,
    events_count: i64,
    start_ns: i64,
    stop_ns: i64,
    created_ns: i64,
    /// `ban_count` bans, `ban_stride` bytes apart: never index it by `size_of::<warden_ban_t>()`.
    bans: *const c_void,
    ban_count: usize,
    ban_stride: usize,
    events: *const c_void,
    event_count: usize,
    event_stride: usize,
    labels: warden_map_t,
}

#[repr(C)]
pub struct warden_ban_row_t {
    struct_size: u32,
    scope: u32,
    id: i64,
    target: warden_str_t,
    origin: warden_str_t,
    action: warden_str_t,
    reason: warden_str_t,
    scenario: warden_str_t,
    country: warden_str_t,
    as_name: warden_str_t,
    as_number: i64,
    until_ns: i64,
    created_ns: i64,
    ban_count: i64,
    events_count: i64,
}

type RowSink = extern "C" fn(*mut c_void, *const warden_ban_row_t) -> i32;

#[repr(C)]
pub struct warden_host_t {
    magic: u32,
    struct_size: u32,
    abi_major: u32,
    abi_minor: u32,
    host_data: *mut c_void,
    log: Option<extern "C" fn(*mut c_void, i32, warden_str_t)>,
    now_ns: Option<extern "C" fn(*mut c_void) -> i64>,
}

type Call = extern "C" fn(*mut warden_backend_t, *mut c_char, usize) -> i32;

#[repr(C)]
pub struct warden_backend_t {
    magic: u32,
    struct_size: u32,
    abi_major: u32,
    abi_minor: u32,
    name: warden_str_t,
    version: warden_str_t,
    backend_data: *mut c_void,
    init: Option<extern "C" fn(*mut warden_backend_t, warden_map_t, *mut c_char, usize) -> i32>,
    insert: Option<extern "C" fn(*mut warden_backend_t, *const warden_signal_t, *mut c_char, usize) -> i32>,
    read_at: Option<extern "C" fn(*mut warden_backend_t, i64, Option<RowSink>, *mut c_void, *mut c_char, usize) -> i32>,
    delete_target: Option<extern "C" fn(*mut warden_backend_t, warden_str_t, *mut u64, *mut c_char, usize) -> i32>,
    delete_all: Option<extern "C" fn(*mut warden_backend_t, *mut u64, *mut c_char, usize) -> i32>,
    flush: Option<Call>,
    start_auto_commit: Option<Call>,
    shutdown: Option<Call>,
    destroy: Option<extern "C" fn(*mut warden_backend_t)>,
    get_extension: Option<extern "C" fn(*mut warden_backend_t, *const c_char) -> *const c_void>,
}

// The header's *_V1_0_SIZE: where the last v1.0 member of each struct ends.
const WARDEN_BAN_V1_0_SIZE: usize = offset_of!(warden_ban_t, until_ns) + size_of::<i64>();
const WARDEN_EVENT_V1_0_SIZE: usize = offset_of!(warden_event_t, serialized) + size_of::<warden_str_t>();
const WARDEN_SIGNAL_V1_0_SIZE: usize = offset_of!(warden_signal_t, labels) + size_of::<warden_map_t>();
const WARDEN_HOST_V1_0_SIZE: usize = offset_of!(warden_host_t, now_ns) + size_of::<usize>();

// The v1.0 layout, as the header's _Static_asserts state it (LP64): in v1.0 every
// versioned struct is exactly its minimum size.
const _: () = assert!(size_of::<warden_ban_t>() == 168 && WARDEN_BAN_V1_0_SIZE == 168);
const _: () = assert!(size_of::<warden_event_t>() == 48 && WARDEN_EVENT_V1_0_SIZE == 48);
const _: () = assert!(size_of::<warden_signal_t>() == 152 && WARDEN_SIGNAL_V1_0_SIZE == 152);
const _: () = assert!(offset_of!(warden_signal_t, ban_stride) == 104 && offset_of!(warden_signal_t, event_stride) == 128);
const _: () = assert!(size_of::<warden_ban_row_t>() == 168);
const _: () = assert!(size_of::<warden_host_t>() == 40 && WARDEN_HOST_V1_0_SIZE == 40);
const _: () = assert!(size_of::<warden_backend_t>() == 136);

// --------------------------------------------------------------- helpers

/// Copies a borrowed ABI string (invalid UTF-8 is replaced).
fn text(s: warden_str_t) -> String {
    if s.ptr.is_null() || s.len == 0 {
        return String::new();
    }
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr as *const u8, s.len) };
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads versioned struct number `index` of `items`, `stride` bytes apart, into a
/// zeroed `T` of this build's layout: the first min(stride, size_of::<T>()) bytes,
/// so members the writer lacks read as zero and members it has beyond ours are
/// skipped (the header's `warden_copy_versioned`). `T` must be one of the ABI's
/// `#[repr(C)]` structs, for which all-zero bytes are a valid value, and `stride`
/// must have been checked against its minimum size.
fn copy_versioned<T>(items: *const c_void, stride: usize, index: usize) -> T {
    let mut value = std::mem::MaybeUninit::<T>::zeroed();
    unsafe {
        let source = (items as *const u8).add(index * stride);
        std::ptr::copy_nonoverlapping(source, value.as_mut_ptr() as *mut u8, stride.min(size_of::<T>()));
        value.assume_init()
    }
}

/// Refuses a signal laid out smaller than ABI 1.0's. The members it reads are v1.0
/// ones, so they lie within any signal that passes the first test.
fn check_sizes(s: &warden_signal_t) -> Result<(), String> {
    let rebuild = "rebuild the host against warden_backend.h 1.x";
    if (s.struct_size as usize) < WARDEN_SIGNAL_V1_0_SIZE {
        return Err(format!(
            "the host sent a signal of {} bytes; ABI 1.0 signals are at least {WARDEN_SIGNAL_V1_0_SIZE} bytes; {rebuild}",
            s.struct_size
        ));
    }
    if s.ban_count > 0 && s.ban_stride < WARDEN_BAN_V1_0_SIZE {
        return Err(format!(
            "the host sent bans {} bytes apart (ban_stride); ABI 1.0 bans are at least {WARDEN_BAN_V1_0_SIZE} bytes; {rebuild}",
            s.ban_stride
        ));
    }
    if s.event_count > 0 && s.event_stride < WARDEN_EVENT_V1_0_SIZE {
        return Err(format!(
            "the host sent events {} bytes apart (event_stride); ABI 1.0 events are at least {WARDEN_EVENT_V1_0_SIZE} bytes; {rebuild}",
            s.event_stride
        ));
    }
    Ok(())
}

/// A borrowed view of a Rust string, valid while the string lives.
fn view(s: &str) -> warden_str_t {
    warden_str_t { ptr: s.as_ptr() as *const c_char, len: s.len() }
}

/// Writes `message` NUL-terminated into the host's buffer and returns `status`.
fn fail(err: *mut c_char, err_len: usize, status: i32, message: &str) -> i32 {
    if !err.is_null() && err_len > 0 {
        let n = message.len().min(err_len - 1);
        unsafe {
            std::ptr::copy_nonoverlapping(message.as_ptr(), err as *mut u8, n);
            *err.add(n) = 0;
        }
    }
    status
}

// ---------------------------------------------------------------- storage

struct Record {
    id: i64,
    scope: u32,
    target: String,
    origin: String,
    action: String,
    reason: String,
    scenario: String,
    country: String,
    as_name: String,
    as_number: i64,
    until_ns: i64,
    created_ns: i64,
    events_count: i64,
    /// When it was deleted; None while it has not been. Records are never overwritten,
    /// so `read_at` at a past time sees the bans as they were. A target may have several
    /// live bans (ABI 1.2, STACKED BANS).
    ended_ns: Option<i64>,
    /// Of a simulated signal: never active nor live (ABI 1.2, SIMULATED SIGNALS).
    simulated: bool,
}

impl Record {
    /// Active at `t`: not simulated, created, not yet past its until, not ended at or before `t`.
    fn is_active(&self, t: i64) -> bool {
        !self.simulated && self.created_ns <= t && t < self.until_ns && self.ended_ns.map_or(true, |ended| t < ended)
    }

    /// Live at the host's now: not simulated, not ended, not past its until.
    fn is_live(&self, now: i64) -> bool {
        !self.simulated && self.ended_ns.is_none() && now < self.until_ns
    }
}

#[derive(Default)]
struct Store {
    records: Vec<Record>,
    next_id: i64,
}

/// Every store of the process: instances may run on different threads.
fn stores() -> &'static Mutex<HashMap<String, Store>> {
    static STORES: OnceLock<Mutex<HashMap<String, Store>>> = OnceLock::new();
    STORES.get_or_init(|| Mutex::new(HashMap::new()))
}

struct Instance {
    host: *const warden_host_t,
    store: Option<String>,
}

fn instance<'a>(b: *mut warden_backend_t) -> &'a mut Instance {
    unsafe { &mut *((*b).backend_data as *mut Instance) }
}

fn log(i: &Instance, message: &str) {
    let host = unsafe { &*i.host };
    if let Some(log) = host.log {
        log(host.host_data, WARDEN_LOG_DEBUG, view(message));
    }
}

/// The host's clock: deletes end bans at the host's now, so tests can control time.
fn host_now(i: &Instance) -> i64 {
    let host = unsafe { &*i.host };
    host.now_ns.map_or(0, |now| now(host.host_data))
}

/// Runs `body` on this instance's store, or fails when `init` has not run.
fn with_store<R>(b: *mut warden_backend_t, err: *mut c_char, err_len: usize, body: impl FnOnce(&mut Store) -> R) -> Result<R, i32> {
    let Some(name) = instance(b).store.clone() else {
        return Err(fail(err, err_len, WARDEN_E_INVALID, "rust-example: called before init"));
    };
    let mut all = stores().lock().unwrap_or_else(|e| e.into_inner());
    Ok(body(all.entry(name).or_default()))
}

// ---------------------------------------------------------------- members

extern "C" fn init(b: *mut warden_backend_t, config: warden_map_t, err: *mut c_char, err_len: usize) -> i32 {
    let mut name = String::from("default");
    for i in 0..config.count {
        let kv = unsafe { &*config.items.add(i) };
        if text(kv.key) == "store" {
            name = text(kv.value);
        }
    }
    if name.is_empty() {
        return fail(err, err_len, WARDEN_E_INVALID, "config key 'store' is empty; name a store or drop the key");
    }
    log(instance(b), &format!("rust-example: init, store '{name}'"));
    instance(b).store = Some(name);
    WARDEN_OK
}

/// All or nothing: every ban is checked before the first one is stored.
extern "C" fn insert(b: *mut warden_backend_t, signal: *const warden_signal_t, err: *mut c_char, err_len: usize) -> i32 {
    // Only v1.0 members are read before the size check; then the whole signal is
    // read into this build's layout, as the host may be built against another 1.x minor.
    let raw = unsafe { &*signal };
    if let Err(message) = check_sizes(raw) {
        return fail(err, err_len, WARDEN_E_ABI, &message);
    }
    let s: warden_signal_t = copy_versioned(signal as *const c_void, raw.struct_size as usize, 0);
    // All or nothing: every ban is checked before the first one is stored.
    for i in 0..s.ban_count {
        let ban: warden_ban_t = copy_versioned(s.bans, s.ban_stride, i);
        if ban.scope != WARDEN_SCOPE_IP && ban.scope != WARDEN_SCOPE_RANGE {
            let message = format!(
                "rust-example: insert: ban {} has scope {}, neither WARDEN_SCOPE_IP nor WARDEN_SCOPE_RANGE; the signal was not stored",
                i + 1,
                ban.scope
            );
            return fail(err, err_len, WARDEN_E_INVALID, &message);
        }
        if ban.target.len == 0 {
            let message = format!("rust-example: insert: ban {} has an empty target; the signal was not stored", i + 1);
            return fail(err, err_len, WARDEN_E_INVALID, &message);
        }
    }
    let result = with_store(b, err, err_len, |store| {
        for i in 0..s.ban_count {
            let ban: warden_ban_t = copy_versioned(s.bans, s.ban_stride, i);
            let target = text(ban.target);
            // Beside the target's other bans: a new ban ends none (STACKED BANS).
            store.next_id += 1;
            store.records.push(Record {
                id: store.next_id,
                scope: ban.scope,
                target,
                origin: text(ban.origin),
                action: text(ban.action),
                reason: text(ban.reason),
                scenario: text(ban.scenario),
                country: text(ban.country),
                as_name: text(ban.as_name),
                as_number: ban.as_number,
                until_ns: ban.until_ns,
                created_ns: s.created_ns,
                events_count: s.events_count,
                ended_ns: None,
                simulated: s.simulated != 0,
            });
        }
    });
    result.map_or_else(|status| status, |_| WARDEN_OK)
}

extern "C" fn read_at(
    b: *mut warden_backend_t, at_ns: i64, sink: Option<RowSink>, ctx: *mut c_void, err: *mut c_char, err_len: usize,
) -> i32 {
    let Some(sink) = sink else { return fail(err, err_len, WARDEN_E_INVALID, "read_at: the sink is NULL") };
    let result = with_store(b, err, err_len, |store| {
        // Newest first: records are kept in id order.
        for r in store.records.iter().rev().filter(|r| r.is_active(at_ns)) {
            let history = store.records.iter().filter(|h| h.target == r.target);
            let row = warden_ban_row_t {
                struct_size: size_of::<warden_ban_row_t>() as u32,
                scope: r.scope,
                id: r.id,
                target: view(&r.target),
                origin: view(&r.origin),
                action: view(&r.action),
                reason: view(&r.reason),
                scenario: view(&r.scenario),
                country: view(&r.country),
                as_name: view(&r.as_name),
                as_number: r.as_number,
                until_ns: r.until_ns,
                created_ns: r.created_ns,
                ban_count: history.clone().count() as i64,
                events_count: history.map(|h| h.events_count).sum(),
            };
            if sink(ctx, &row) != 0 {
                break;
            }
        }
    });
    result.map_or_else(|status| status, |_| WARDEN_OK)
}

/// Ends, at the host's now, the live bans that `matches` selects and writes how many into `deleted`.
fn end(b: *mut warden_backend_t, deleted: *mut u64, err: *mut c_char, err_len: usize, matches: impl Fn(&Record) -> bool) -> i32 {
    let now = host_now(instance(b));
    let result = with_store(b, err, err_len, |store| {
        let mut count = 0u64;
        for r in store.records.iter_mut().filter(|r| r.is_live(now) && matches(r)) {
            r.ended_ns = Some(now);
            count += 1;
        }
        count
    });
    match result {
        Ok(count) => {
            unsafe { *deleted = count };
            WARDEN_OK
        }
        Err(status) => status,
    }
}

extern "C" fn delete_target(b: *mut warden_backend_t, target: warden_str_t, deleted: *mut u64, err: *mut c_char, err_len: usize) -> i32 {
    let target = text(target);
    if target.is_empty() {
        return fail(err, err_len, WARDEN_E_INVALID, "no target provided");
    }
    end(b, deleted, err, err_len, |r| r.target == target)
}

extern "C" fn delete_all(b: *mut warden_backend_t, deleted: *mut u64, err: *mut c_char, err_len: usize) -> i32 {
    end(b, deleted, err, err_len, |_| true)
}

/// flush, start_auto_commit and shutdown: writes apply at once and nothing runs in the background.
extern "C" fn nothing_to_do(_b: *mut warden_backend_t, _err: *mut c_char, _err_len: usize) -> i32 {
    WARDEN_OK
}

extern "C" fn destroy(b: *mut warden_backend_t) {
    unsafe {
        drop(Box::from_raw((*b).backend_data as *mut Instance));
        drop(Box::from_raw(b));
    }
}

// ------------------------------------------------------------ entry point

/// The one export. Checks the host's magic and major, then creates an instance.
#[no_mangle]
pub extern "C" fn New(host: *const warden_host_t, out: *mut *mut warden_backend_t, err: *mut c_char, err_len: usize) -> i32 {
    unsafe { *out = std::ptr::null_mut() };
    let ok = !host.is_null() && unsafe { (*host).magic == WARDEN_ABI_MAGIC && (*host).abi_major == WARDEN_ABI_VERSION_MAJOR };
    if !ok {
        return fail(err, err_len, WARDEN_E_ABI, "rust-example implements Warden ABI 1.0; the host speaks another major");
    }
    // Below the v1.0 size, even `log` and `now_ns` may lie outside the host's struct.
    let host_size = unsafe { (*host).struct_size } as usize;
    if host_size < WARDEN_HOST_V1_0_SIZE {
        let message = format!(
            "rust-example: the host passed a warden_host_t of {host_size} bytes; ABI 1.0 hosts pass at least \
             {WARDEN_HOST_V1_0_SIZE} bytes; rebuild the host against warden_backend.h 1.x"
        );
        return fail(err, err_len, WARDEN_E_ABI, &message);
    }
    let data = Box::into_raw(Box::new(Instance { host, store: None })) as *mut c_void;
    let backend = Box::new(warden_backend_t {
        magic: WARDEN_ABI_MAGIC,
        struct_size: size_of::<warden_backend_t>() as u32,
        abi_major: WARDEN_ABI_VERSION_MAJOR,
        abi_minor: WARDEN_ABI_VERSION_MINOR,
        name: view("rust-example"),
        version: view(concat!(env!("CARGO_PKG_VERSION"), " (Rust)")),
        backend_data: data,
        init: Some(init),
        insert: Some(insert),
        read_at: Some(read_at),
        delete_target: Some(delete_target),
        delete_all: Some(delete_all),
        flush: Some(nothing_to_do),
        start_auto_commit: Some(nothing_to_do),
        shutdown: Some(nothing_to_do),
        destroy: Some(destroy),
        // No extensions: a host reads no change feed (warden.changes/1) and no history
        // (warden.history/1) from it, lists it among the backends that do not support
        // them, and deletes its bans by target.
        get_extension: None,
    });
    unsafe { *out = Box::into_raw(backend) };
    WARDEN_OK
}
