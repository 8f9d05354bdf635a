"""What an execution environment sees: the command it runs and Lambda's environment variables,
including AWS_ENDPOINT_URL back to Headwater and dummy credentials whose access key is the
function's account (wire/sigv4.py reads it back), so a handler's boto3 calls need no setup.
With --credentials the secret is the account's worker secret (wire/credentials.py); with
--enforce-iam the credentials are a session of the function's execution role.

Run as root, a worker gets a user id and mount namespace of its own (isolation.py); otherwise
it runs as the server's user, with a TMPDIR of its own."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from headwater.functions import isolation
from headwater.functions.environment import BOOTSTRAP, Spec
from headwater.functions.interpreters import PYTHON_RUNTIMES, python_for
from headwater.functions.node_runtimes import NODE_RUNTIMES, node_for
from headwater.functions.settings import log_group
from headwater.wire.credentials import WORKER_TOKEN

if TYPE_CHECKING:
    from headwater.functions.function_service import FunctionService
    from headwater.functions.invocation import Resolved
    from headwater.functions.runtime_sdk import Sdk


NODE_BOOTSTRAP = Path(__file__).with_name("node") / "bootstrap.mjs"


def build_spec(functions: FunctionService, resolved: Resolved, environment_id: str,
               sdk: Sdk | None, node_sdk: Path | None = None) -> Spec:
    """`sdk`: a Python runtime's AWS SDK (`await functions.sdks.get(runtime)`, runtime_sdk.py);
    None for other runtimes. `node_sdk`: the directory holding the JavaScript SDK's node_modules
    (Node.js runtimes, node_sdk.py)."""
    config = resolved.config
    name = config["FunctionName"]
    runtime = config["Runtime"]
    task_root = functions.code_dir(config)
    day = time.strftime("%Y/%m/%d", time.gmtime(functions.clock.now()))
    log_stream = f"{day}/[{resolved.version}]{environment_id}"
    python = runtime in PYTHON_RUNTIMES
    node = node_for(runtime) if runtime in NODE_RUNTIMES else None
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(BOOTSTRAP.parent),
        "_HANDLER": config.get("Handler", ""),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": resolved.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config["MemorySize"]),
        "AWS_LAMBDA_LOG_GROUP_NAME": log_group(config),
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_REGION": resolved.record.region,
        "AWS_DEFAULT_REGION": resolved.record.region,
        **_credentials(functions, resolved),
        "AWS_ENDPOINT_URL": functions.endpoint,
        # The host's ~/.aws files must not leak into the sandbox.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    }
    if sdk is not None and sdk.path is not None:
        env["_HEADWATER_RUNTIME_SDK"] = str(sdk.path)
    elif sdk is not None and sdk.error:
        env["_HEADWATER_RUNTIME_SDK_ERROR"] = sdk.error
    if python:
        # -I keeps this package's directory (whose modules, `settings` or `errors`, would shadow
        # a handler's own) off sys.path; -S keeps every site-packages off it (the server's venv,
        # the interpreter's own: AWS has none of them), so a handler imports its own code, the
        # standard library and the runtime's SDK only; -u and -B stand in for the PYTHON*
        # variables -I ignores.
        argv = [python_for(runtime).path, "-I", "-S", "-u", "-B", str(BOOTSTRAP)]
    elif node is not None:
        argv = [node.path, str(NODE_BOOTSTRAP)]
        env.update(_node_environment(task_root, node_sdk))
    else:
        argv = [str(task_root / "bootstrap")]
    env.update((config.get("Environment") or {}).get("Variables") or {})
    speaks_marker = python or node is not None
    spec = Spec(argv, task_root, env, speaks_marker, log_stream,
                memory_mb=int(config["MemorySize"]), token=functions.worker_token)
    if functions.user_ids is not None:
        interpreter = argv[0] if speaks_marker else None
        sdks = [sdk.path] if sdk is not None and sdk.path is not None else []
        _isolate(spec, functions, config, interpreter, [*sdks, *([node_sdk] if node_sdk else [])])
    else:
        tmp = tempfile.mkdtemp(prefix="headwater-tmp-")
        env.setdefault("TMPDIR", tmp)
        spec.cleanup = lambda: shutil.rmtree(tmp, ignore_errors=True)
    return spec


def _node_environment(task_root: Path, sdk: Path | None) -> dict[str, str]:
    """As AWS's Node.js runtimes set them: the function's code first, then the runtime's SDK
    (for `require`; the bootstrap's resolve hook serves `import`)."""
    paths = [str(task_root)] if sdk is None else [str(sdk / "node_modules"), str(task_root)]
    # An isolated worker's user id has no passwd entry, and the SDK's config loader asks for a
    # home directory (os.homedir() fails with ENOENT without one); the ~/.aws files it would
    # look for there are pointed at /dev/null above.
    env = {"NODE_PATH": os.pathsep.join(paths), "HOME": "/tmp"}
    if sdk is not None:
        env["_HEADWATER_NODE_SDK"] = str(sdk)
    return env


def _isolate(spec: Spec, functions: FunctionService, config: dict[str, Any],
             interpreter: str | None, sdks: list[Path]) -> None:
    """Its own user id, and a mount namespace that holds only what it needs."""
    assert functions.user_ids is not None
    uid = functions.user_ids.take()
    if uid is None:
        raise RuntimeError("no free worker user id")  # the pool's cap keeps this from happening
    needed = [spec.cwd, BOOTSTRAP.parent, Path(sys.prefix), Path(sys.base_prefix)]
    if interpreter is not None:
        needed.append(Path(os.path.realpath(interpreter)).parents[1])
    needed += sdks
    os.chmod(spec.cwd, 0o755)
    size = int((config.get("EphemeralStorage") or {}).get("Size") or 512)
    spec.identity = (uid, uid)
    spec.before_exec = isolation.plan([functions.hidden_root], needed, uid, size, spec.cwd)
    user_ids = functions.user_ids
    spec.cleanup = lambda: user_ids.give_back(uid)


def _credentials(functions: FunctionService, resolved: Resolved) -> dict[str, str]:
    """The worker's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN: under
    --enforce-iam a session of the function's execution role named after the function (so a
    denied call names arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION, aws-facts §7), else
    the account's worker key."""
    account = resolved.record.account
    session = functions.authority.role_session(account, resolved.config.get("Role", ""),
                                               resolved.config["FunctionName"])
    if session is not None:
        return {"AWS_ACCESS_KEY_ID": session.access_key_id,
                "AWS_SECRET_ACCESS_KEY": session.secret,
                "AWS_SESSION_TOKEN": session.session_token}
    return {"AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": _secret(functions, account),
            "AWS_SESSION_TOKEN": WORKER_TOKEN}


def _secret(functions: FunctionService, account: str) -> str:
    credentials = functions.credentials
    return "headwater" if credentials is None else credentials.worker_secret(account)
