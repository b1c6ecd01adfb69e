"""delay_proxy.py LISTEN_PORT TARGET_PORT DELAY_MS — a slow link on loopback.

Accepts TCP connections on 127.0.0.1:LISTEN_PORT and relays each to
127.0.0.1:TARGET_PORT, holding every chunk DELAY_MS before passing it on,
both ways: a link of DELAY_MS one way (2 x DELAY_MS round trip), as a
far-away count centre sees ingest. Prints "ready" once it listens; runs
until killed. No root needed (netem would want CAP_NET_ADMIN).
"""
import asyncio
import sys


async def pipe(reader, writer, delay):
    # Each chunk is stamped when it arrives and sent once its delay has
    # passed, in order: a delay line, not a stop-and-wait.
    queue = asyncio.Queue()

    async def later():
        loop = asyncio.get_running_loop()
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

    sender = asyncio.ensure_future(later())
    loop = asyncio.get_running_loop()
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
    except ConnectionError:
        queue.put_nowait((loop.time(), None))
    await sender


async def main():
    listen, target, delay = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000

    async def relay(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, delay),
                             pipe(server_reader, client_writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(relay, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
