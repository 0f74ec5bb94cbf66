/** Where span bytes come from: the registry through Range requests, and the background fetcher that makes a layer fully local while idle. */
package dev.soci4j.fs.fetch;
