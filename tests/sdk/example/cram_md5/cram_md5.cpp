// An example interimap plugin: the CRAM-MD5 authentication mechanism
// (RFC 2195), built against the installed SDK only (see CMakeLists.txt).
//
// interimap picks the first mechanism of the `auth` option that the server
// advertises (AUTH=CRAM-MD5 in its capabilities) and loads the plugin of that
// name, interimap-cram-md5.so. The core speaks the IMAP side (AUTHENTICATE,
// base64, continuation requests); the plugin only turns credentials and
// challenges into responses.
#include <interimap/authenticator.hpp>
#include <interimap/plugin.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace {

class CramMd5Authenticator final : public interimap::Authenticator {
public:
    std::string_view mechanism() const override { return "CRAM-MD5"; }

    // A SASL mechanism: usable only when the server advertises it.
    bool requires_advertisement() const override { return true; }

    interimap::Result<interimap::AuthStart>
    start(const interimap::Credentials& credentials) override {
        // Errors are values (interimap::Result), never exceptions across the
        // plugin boundary; the program prints the message and exits.
        if (!credentials.username)
            return interimap::Fail(interimap::ErrorCode::config, "Missing option username");
        if (!credentials.password)
            return interimap::Fail(interimap::ErrorCode::config, "Missing option password");
        username_ = *credentials.username;
        password_ = *credentials.password;
        // CRAM-MD5 has no initial response: the server speaks first.
        return interimap::AuthStart(interimap::SaslStart{});
    }

    interimap::Result<std::string> step(std::string_view challenge) override {
        // The response is the user name, a space, and the HMAC-MD5 of the
        // challenge keyed with the password, in lower-case hexadecimal.
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        if (HMAC(EVP_md5(), password_.data(), static_cast<int>(password_.size()),
                 reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(), digest,
                 &length) == nullptr)
            return interimap::Fail(interimap::ErrorCode::auth, "CRAM-MD5: HMAC-MD5 failed");
        static constexpr char hex[] = "0123456789abcdef";
        std::string response = username_ + ' ';
        for (unsigned int i = 0; i < length; ++i) {
            response += hex[digest[i] >> 4];
            response += hex[digest[i] & 0xf];
        }
        return response;
    }

private:
    std::string username_;
    std::string password_;
};

// The one symbol the plugin exports. The loader checks abi_version first and
// refuses a plugin built for another ABI; `name` is what a configuration
// names (case-insensitively) and `summary` what `interimap --version` shows.
const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::authenticator,
    .name = "CRAM-MD5",
    .summary = "SASL CRAM-MD5 (RFC 2195), an example built against the installed SDK",
    .make_authenticator = [] { return interimap::AuthenticatorPtr(new CramMd5Authenticator); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
