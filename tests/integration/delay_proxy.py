"""delay_proxy.py DELAY_MS LISTEN_PORT:TARGET_PORT ... — a slow link on
loopback: each LISTEN_PORT on 127.0.0.1 forwards to TARGET_PORT, and every
byte takes DELAY_MS to cross, each way (as `tc qdisc ... netem delay` would
do on a real interface; the test uses this where the kernel has no netem).
Order is kept; bandwidth is not limited. Prints "ready" once listening.
Runs until killed.
"""
import asyncio
import sys


async def pump(reader, writer, delay):
    """Copies reader to writer, each chunk delay seconds after it was read."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, asyncio.CancelledError):
        sender.cancel()
        writer.close()


async def serve(listen, target, delay):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, delay),
                             pump(server_reader, client_writer, delay),
                             return_exceptions=True)
    return await asyncio.start_server(handle, "127.0.0.1", listen)


async def main():
    delay = int(sys.argv[1]) / 1000.0
    servers = []
    for pair in sys.argv[2:]:
        listen, target = (int(port) for port in pair.split(":"))
        servers.append(await serve(listen, target, delay))
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
