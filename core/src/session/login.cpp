#include "session/login.hpp"

#include "session/base64.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <sstream>
#include <variant>

namespace interimap::session {

namespace {

std::vector<std::string> words(std::string_view s) {
    std::istringstream in{std::string(s)};
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

Error with_text(ErrorCode code, std::string what, const imap::Completion& c) {
    std::string msg = std::move(what);
    if (!c.text.empty())
        msg += ": " + c.text;
    return make_error(code, msg);
}

/// Picks the first mechanism of `auth` the server allows and loads its plugin.
Result<AuthenticatorPtr> choose_authenticator(const imap::Capabilities& caps,
                                              const ConfigSection& section,
                                              plugin::PluginLoader& plugins) {
    auto advertised = caps.auth_mechanisms();
    for (const std::string& wanted : words(section.get_or("auth", "PLAIN LOGIN"))) {
        std::string mech = ascii_upper(wanted);
        bool sasl_listed =
            std::find(advertised.begin(), advertised.end(), mech) != advertised.end();
        // LOGIN is the IMAP LOGIN command, present on every server; other
        // mechanisms must be advertised as AUTH=<name>.
        if (mech != "LOGIN" && !sasl_listed)
            continue;
        auto auth = plugins.make_authenticator(mech);
        if (!auth)
            return auth;
        if ((*auth)->requires_advertisement() && !sasl_listed)
            continue;
        return auth;
    }
    return Fail(ErrorCode::auth, "Failed to choose an authentication mechanism");
}

async::Task<Result<void>> authenticate(imap::Connection& conn, const ConfigSection& section,
                                       plugin::PluginLoader& plugins) {
    const imap::Capabilities& caps = conn.capabilities();
    auto chosen = choose_authenticator(caps, section, plugins);
    if (!chosen)
        co_return Fail(std::move(chosen).error());
    AuthenticatorPtr auth = std::move(*chosen);
    std::string mech = ascii_upper(auth->mechanism());
    // RFC 3501 7.2.1: with LOGINDISABLED, the server must not be sent credentials.
    if (caps.has("LOGINDISABLED") && (mech == "LOGIN" || mech == "PLAIN"))
        co_return Fail(ErrorCode::auth, "Logins are disabled.");

    Credentials credentials{section.get("username"), section.get("password")};
    auto start = auth->start(credentials);
    if (!start)
        co_return Fail(std::move(start).error());

    Result<imap::Completion> done = Fail(ErrorCode::internal, "no authentication attempted");
    if (auto* login = std::get_if<LoginCommand>(&*start)) {
        imap::Command cmd("LOGIN");
        cmd.redact_from_here().astring(login->username).astring(login->password);
        imap::CommandOptions opts;
        opts.barrier = true;
        done = co_await conn.send(std::move(cmd), std::move(opts));
    } else {
        auto& sasl = std::get<SaslStart>(*start);
        imap::Command cmd("AUTHENTICATE");
        cmd.raw(mech);
        cmd.redact_from_here();
        bool inline_response = sasl.initial_response && caps.has("SASL-IR");
        if (inline_response)
            cmd.raw(sasl.initial_response->empty() ? "=" : base64_encode(*sasl.initial_response));
        std::optional<std::string> pending_initial;
        if (!inline_response)
            pending_initial = sasl.initial_response;
        imap::CommandOptions opts;
        opts.barrier = true;
        Authenticator* raw_auth = auth.get();
        opts.on_challenge =
            [raw_auth, pending_initial](std::string_view text) mutable -> Result<std::string> {
            // The first empty challenge asks for the initial response.
            if (pending_initial && text.empty()) {
                std::string r = base64_encode(*pending_initial);
                pending_initial.reset();
                return r;
            }
            auto challenge = base64_decode(text);
            if (!challenge)
                return Fail(ErrorCode::protocol, "Invalid base64 in authentication challenge");
            auto answer = raw_auth->step(*challenge);
            if (!answer)
                return answer;
            return base64_encode(*answer);
        };
        done = co_await conn.send(std::move(cmd), std::move(opts));
    }
    if (!done)
        co_return Fail(std::move(done).error());
    if (!done->ok())
        co_return with_text(ErrorCode::auth, "Authentication failed", *done);
    conn.set_authenticated();
    // Capabilities usually grow after authentication; a CAPABILITY response
    // code in the tagged OK already updated them.
    if (!(done->code && done->code->name == "CAPABILITY"))
        conn.capabilities().invalidate();
    co_return ok();
}

/// CAPABILITY, unless the greeting or the last answer told them.
async::Task<Result<void>> read_capabilities(imap::Connection& conn) {
    if (conn.capabilities().known())
        co_return ok();
    auto r = co_await conn.send(imap::Command("CAPABILITY"));
    if (!r)
        co_return Fail(std::move(r).error());
    if (!r->ok())
        co_return with_text(ErrorCode::protocol, "CAPABILITY failed", *r);
    co_return ok();
}

/// COMPRESS (RFC 4978), once secured and authenticated, as the `compress`
/// option asks, `by_default` when it is absent.
async::Task<Result<void>> compress(imap::Connection& conn, const ConfigSection& section,
                                   plugin::PluginLoader& plugins, bool by_default) {
    const bool asked = section.has("compress");
    auto wanted = section.get_bool("compress", by_default);
    if (!wanted)
        co_return Fail(std::move(wanted).error());
    if (!*wanted)
        co_return ok();
    std::vector<std::string> algorithms = conn.capabilities().values_of("COMPRESS=");
    if (algorithms.empty())
        co_return ok();
    if (std::find(algorithms.begin(), algorithms.end(), "DEFLATE") == algorithms.end()) {
        conn.logger().warning(conn.log_context(), "Couldn't find a suitable compression "
                                                  "algorithm. Not enabling compression.");
        co_return ok();
    }
    auto layer = plugins.make_compression("deflate");
    if (!layer) {
        // Asked for explicitly: the plugin is needed. By default, a system
        // without the optional plugin simply does not compress.
        if (asked)
            co_return Fail(std::move(layer).error());
        co_return ok();
    }
    imap::CommandOptions opts;
    opts.switches_stream = true;
    auto r =
        co_await conn.send(std::move(imap::Command("COMPRESS").raw("DEFLATE")), std::move(opts));
    if (!r)
        co_return Fail(std::move(r).error());
    if (!r->ok()) {
        // Already compressing (a proxy in between did it): nothing to do.
        if (r->code && r->code->name == "COMPRESSIONACTIVE")
            co_return ok();
        co_return Fail(ErrorCode::refused, "COMPRESS failed: " + imap::describe(*r));
    }
    std::shared_ptr<Compression> deflate(std::move(*layer));
    co_return conn.switch_stream(
        [deflate](StreamPtr lower) { return deflate->wrap(std::move(lower)); });
}

} // namespace

LoginOptions interimap_login_options(bool notify) {
    LoginOptions o;
    o.required = {"QRESYNC", "LIST-EXTENDED", "UIDPLUS"};
    // NOTIFY is checked by the run, with the reference's own message.
    if (!notify)
        o.required.push_back("LIST-STATUS");
    o.enable = {"QRESYNC"};
    return o;
}

async::Task<Result<void>> login(imap::Connection& conn, const ConfigSection& section,
                                plugin::PluginLoader& plugins, const LoginOptions& options) {
    auto greeting = co_await conn.greeting();
    if (!greeting)
        co_return Fail(std::move(greeting).error());
    // Already authenticated on a plaintext connection that was to be
    // secured: someone in the middle may have answered instead of the
    // server (RFC 2595 section 5.1). Nothing is sent in plaintext.
    if (conn.starttls_required() && conn.authenticated())
        co_return Fail(ErrorCode::tls, "PREAUTH greeting on plaintext connection? MiTM in action? "
                                       "Aborting, set \"STARTTLS = NO\" to ignore.");

    INTERIMAP_CO_TRY(co_await read_capabilities(conn));

    if (conn.starttls_required()) {
        // Before any credential; a refusal is final (never plaintext).
        if (!conn.capabilities().has("STARTTLS"))
            co_return Fail(ErrorCode::tls, "Server did not advertise STARTTLS capability.");
        imap::CommandOptions opts;
        opts.barrier = true;
        opts.ends_plaintext = true;
        auto r = co_await conn.send(imap::Command("STARTTLS"), std::move(opts));
        if (!r)
            co_return Fail(std::move(r).error());
        if (!r->ok())
            co_return Fail(ErrorCode::tls, "STARTTLS failed: " + imap::describe(*r));
        INTERIMAP_CO_TRY(conn.upgrade_to_tls());
        // The list read in plaintext may have been forged: asked again.
        INTERIMAP_CO_TRY(co_await read_capabilities(conn));
    }
    if (!conn.capabilities().has("IMAP4rev1"))
        co_return Fail(ErrorCode::protocol, "Missing IMAP4rev1 CAPABILITY.  Not an IMAP4 server?");

    if (!conn.authenticated()) {
        auto r = co_await authenticate(conn, section, plugins);
        if (!r)
            co_return r;
        if (!conn.capabilities().known()) {
            auto c = co_await conn.send(imap::Command("CAPABILITY"));
            if (!c)
                co_return Fail(std::move(c).error());
        }
    }

    INTERIMAP_CO_TRY(co_await compress(conn, section, plugins, options.compress_by_default));

    const imap::Capabilities& caps = conn.capabilities();
    conn.set_writer_options(imap::WriterOptions{.literal_plus = caps.has("LITERAL+"),
                                                .literal_minus = caps.has("LITERAL-")});
    for (const std::string& ext : options.required)
        if (!caps.has(ext))
            co_return Fail(ErrorCode::protocol, "Non " + ext + "-capable IMAP server.");

    if (!options.enable.empty()) {
        if (!caps.has("ENABLE"))
            co_return Fail(ErrorCode::protocol,
                           "Server did not advertise ENABLE (RFC 5161) capability.");
        std::vector<std::string> enabled;
        imap::Command cmd("ENABLE");
        for (const std::string& e : options.enable)
            cmd.raw(e);
        imap::CommandOptions opts;
        opts.collects = {"ENABLED"};
        opts.on_untagged = [&enabled](const imap::Response& r) {
            for (const imap::Value& v : r.data)
                enabled.push_back(ascii_upper(v.text));
        };
        auto pending = conn.send(std::move(cmd), std::move(opts));
        if (options.after_enable_sent)
            options.after_enable_sent();
        auto r = co_await pending;
        if (!r)
            co_return Fail(std::move(r).error());
        if (!r->ok())
            co_return with_text(ErrorCode::refused, "ENABLE failed", *r);
        for (const std::string& e : options.enable)
            if (std::find(enabled.begin(), enabled.end(), ascii_upper(e)) == enabled.end())
                co_return Fail(ErrorCode::protocol, "Couldn't ENABLE " + e);
    }
    co_return ok();
}

} // namespace interimap::session
