# Varnish in front of the example clinic (docs/deployment.md, "Caching and CDNs").
#
# Django answers on 127.0.0.1:8000. Wagtail's HTTPBackend sends a PURGE for each URL a change
# shows in (wagtail_conditions/frontend_cache.py); a PURGE bans the path with any query
# string, so an index's ?area=, ?letter= and ?page= variants go with it. Only this machine
# may purge.
#
#   WAGTAILFRONTENDCACHE = {
#       "varnish": {
#           "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
#           "LOCATION": "http://127.0.0.1:6081",
#       },
#   }
#
# Run: varnishd -a :6081 -f /path/to/default.vcl -s malloc,256m
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purge {
    "127.0.0.1";
    "localhost";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purge) {
            return (synth(405, "Purging is not allowed from " + client.ip));
        }
        # Matched on what vcl_backend_response kept with each object (lurker-friendly), and
        # on the path compared whole: no regular expression to escape.
        ban("obj.http.x-cache-host == " + req.http.host +
            " && obj.http.x-cache-path == " + regsub(req.url, "\?.*$", ""));
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);  # the appointment form, the admin's saves
    }
    # The admin, previews, and staff signed in: never from the cache.
    if (req.url ~ "^/(admin|django-admin)/" || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # Anonymous visitors' cookies (csrftoken, analytics) change nothing in our pages: the form
    # carries its own token, and Django renders the same HTML with or without them.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    set beresp.http.x-cache-host = bereq.http.host;
    set beresp.http.x-cache-path = regsub(bereq.url, "\?.*$", "");
    # Django sets no lifetime on a page: keep it an hour (the form's token is valid for
    # APPOINTMENT_TOKEN_MAX_AGE, a day by default, so a cached page's form still works), and
    # serve it a minute longer while a fresh copy is fetched. A purge ends either at once.
    if (!beresp.http.Cache-Control && !beresp.http.Expires && beresp.status == 200) {
        set beresp.ttl = 1h;
        set beresp.grace = 1m;
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.x-cache-host;
    unset resp.http.x-cache-path;
}
