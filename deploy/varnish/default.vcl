#
# Varnish 7 in front of Immunoblog's app servers, nginx then gunicorn (Debian:
# apt-get install varnish varnish-modules). docs/operations.md, "Running in production",
# shows the whole layout.
#
# - Anonymous shared pages are kept as long as the app's Surrogate-Control
#   max-age says, and purged by tag: the app sends `PURGE` with an
#   `xkey-purge: tag1 tag2` header after every change (PAGE_CACHE_PURGE_URLS).
# - Only what the app marks as shared is kept; everything else goes through.
# - Editors (session cookie) and every write go straight to the app.
# - Text is kept gzipped (compressed once, when fetched) and sent gzipped to
#   every reader whose browser accepts it; Varnish unzips it for the rest.
# - Query parameters the app does not read are dropped (keep_read_parameters).
# - `X-Cache: HIT | MISS | PASS` on every response says what happened.
#
vcl 4.1;

import proxy;
import std;
import xkey;

# The app server: nginx (deploy/nginx/immunoblog.conf) on port 8080, which
# reads each request whole before its gunicorn sees it. Several: declare one
# backend each and spread requests with vmod directors (new app =
# directors.round_robin(); app.add_backend(...) in vcl_init, then set
# req.backend_hint = app.backend(); in vcl_recv).
backend default {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
}

# Who may purge: every app server and task worker host, by the address
# Varnish sees (client.ip). Add one line each, such as
#     "10.0.0.12";
#     "10.0.0.0"/24;
# Through a TLS proxy speaking PROXY protocol (`-a 127.0.0.1:6086,PROXY`),
# client.ip is the reader's own address, never the proxy's.
acl purgers {
    "127.0.0.1";
    "::1";
}

# The metrics (/metrics) are for the operator's network, scraping each app
# server directly: never answered through the cache, however the path is
# spelt. (Varnish runs this vcl_recv before the one below.)
sub vcl_recv {
    if (req.url ~ "(?i)^/+(m|%6d)(e|%65)(t|%74)(r|%72)(i|%69)(c|%63)(s|%73)/*([?#;]|$)") {
        return (synth(404, "Not Found"));
    }
}

sub vcl_recv {
    # Only this file says whether a response came from the cache.
    unset req.http.X-Cache;

    # A TLS proxy speaking PROXY protocol v2 (hitch, haproxy send-proxy-v2-ssl)
    # tells whether the reader used TLS; an HTTP proxy sets the header itself.
    if (proxy.is_ssl()) {
        set req.http.X-Forwarded-Proto = "https";
    }

    if (req.method == "PURGE") {
        # A PURGE relayed by the TLS proxy (it carries X-Forwarded-Proto) comes
        # from the internet, whatever address the proxy connects from.
        if (client.ip !~ purgers || req.http.X-Forwarded-Proto) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }

    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") {
        return (synth(405, "Method Not Allowed"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in editors see pages made for them (admin, previews).
    if (req.http.Cookie ~ "(^|;\s*)sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # Other cookies (the comment form's CSRF cookie) change nothing on a
    # shared page, so they do not stop a lookup; they stay on the request in
    # case it goes to the app, which decides what is shared (see below).
    call keep_read_parameters;
    return (hash);
}

# The query parameters the app reads, the one list of them. Every other one
# is dropped before the lookup and never reaches the app, so `?x=1`, `?x=2`
# or `?utm_source=…` make no new object and no new render. Keep it in step
# with the code that reads request.GET:
#   p           /?p=ID, an old WordPress address (importers.middleware), and
#               the pages of sitemap.xml (django.contrib.sitemaps)
#   replytocom  the reply form (comments.discussion); old WordPress comment links
#   page        the pages of the home, tag, author and search lists (ListView)
#   q           the search (articles.views.SearchView), on /search/ only
# p, replytocom and page are kept when they are numbers (page may be `last`),
# without leading zeros; a name given twice keeps its last value, the one
# Django reads; the rest is sorted by name. Paths of pages made for one
# visitor or action (/admin/, /comments/, /subscriptions/) are never kept:
# their query goes to the app as sent.
sub keep_read_parameters {
    if (req.url !~ "\?" || req.url ~ "^/(admin|comments|subscriptions)/") {
        return;
    }
    if (req.url ~ "^/search/\?") {
        set req.url = regsuball(req.url,
            "(?<=[?&])(?!q=|(?:p|replytocom|page)=[0-9]{1,20}(?:&|$)|page=last(?:&|$))[^&]*&?", "");
    } else {
        set req.url = regsuball(req.url,
            "(?<=[?&])(?!(?:p|replytocom|page)=[0-9]{1,20}(?:&|$)|page=last(?:&|$))[^&]*&?", "");
    }
    set req.url = regsuball(req.url, "(?<=[?&])(p|replytocom|page)=0+(?=[0-9])", "\1=");
    set req.url = regsuball(req.url,
        "(?<=[?&])(p|replytocom|page|q)=[^&]*&(?=(?:[^&]*&)*\1=)", "");
    set req.url = regsub(std.querysort(req.url), "[?&]+$", "");
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    # The http and https versions of a page differ (canonical and feed links).
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    } else {
        hash_data("http");
    }
    return (lookup);
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Cache;
}

sub vcl_backend_response {
    # Never kept: a response that sets a cookie, or that the app keeps private.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-cache|no-store)"
        || beresp.http.Vary == "*") {
        call not_shared;
    } elsif (beresp.http.Surrogate-Control ~ "(?i)max-age=[0-9]+") {
        # A shared page: kept until purged, or for the lifetime the app gives.
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "(?i)^.*max-age=([0-9]+).*$", "\1s"), 0s);
        if (beresp.ttl <= 0s) {
            # Due now (a scheduled article goes public): no stale copy in grace.
            call not_shared;
        }
    } elsif (beresp.http.Cache-Control !~ "(?i)(s-maxage|max-age)=[1-9]") {
        # Nothing says it may be shared (Varnish's default would keep it 2 minutes).
        call not_shared;
    }
    # Otherwise (static files): the lifetime Cache-Control gives.

    # What is kept is compressed once, here, rather than by the app on every
    # render or the TLS proxy on every response: a 1.4 MB page of a thousand
    # comments is kept and sent as about 100 KB. Pages made for one visitor
    # (passed, not kept) go out as the app sent them.
    if (!beresp.uncacheable && !beresp.http.Content-Encoding
        && beresp.http.Content-Type ~ "(?i)^(text/|application/(javascript|json|xml|rss\+xml|atom\+xml)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub not_shared {
    # Remembered for two minutes as "ask the app", so requests for it are
    # not queued behind each other; the next cacheable answer replaces it.
    set beresp.uncacheable = true;
    set beresp.ttl = 120s;
}

sub vcl_deliver {
    # For this cache alone; browsers keep revalidating (Cache-Control: max-age=0).
    unset resp.http.Surrogate-Control;
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } elsif (req.http.X-Cache == "PASS") {
        set resp.http.X-Cache = "PASS";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_synth {
    if (req.http.X-Purged) {
        set resp.http.X-Purged = req.http.X-Purged;
    }
    set resp.http.X-Cache = "SYNTH";
}
