"""The HTTP/1.1 server (httptools + uvloop) every API and each Lambda Runtime API is served on.
It knows nothing of AWS: it hands a parsed Request to a handler and writes the Response back."""
