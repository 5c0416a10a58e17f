"""CPU per Bot API call: python-telegram-bot's own client (httpx) against the bot's (aiohttp,
``bot/request.py``), in one run, against the fake Bot API on loopback.

Through PTB, each client sends ``--calls`` messages with a keyboard (HTML, as the bot's
replies are) and calls ``getUpdates`` in between, as the bot polls; bare, each library posts
the same form and reads the JSON answer. The figure is the event loop thread's CPU per call
(``time.thread_time``: the fake server's threads are not counted), and the ratio aiohttp / httpx.

    python -m bench.bench_request [--calls 400] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp
import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import BaseRequest, HTTPXRequest

from bot.request import AiohttpRequest
from tests.fakebotapi import FakeBotAPI

KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton(f"Knap {i}.{j}", callback_data=f"m:{i}:{j}") for j in range(2)] for i in range(4)]
)


async def cpu_per_call(api: FakeBotAPI, request: BaseRequest, calls: int) -> float:
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        for _ in range(20):  # warm: connections, caches
            await bot.send_message(1, "<b>Hej</b>", parse_mode="HTML", reply_markup=KEYBOARD)
        cpu = time.thread_time()
        for i in range(calls):
            if i % 2:
                await bot.get_updates(timeout=0)
            else:
                await bot.send_message(1, "<b>Hej</b>", parse_mode="HTML", reply_markup=KEYBOARD)
        return (time.thread_time() - cpu) / calls


async def bare_httpx(url: str, calls: int) -> float:
    async with httpx.AsyncClient() as client:
        for _ in range(20):
            (await client.post(url, data={"chat_id": "1", "text": "Hej"})).json()
        cpu = time.thread_time()
        for _ in range(calls):
            (await client.post(url, data={"chat_id": "1", "text": "Hej"})).json()
        return (time.thread_time() - cpu) / calls


async def bare_aiohttp(url: str, calls: int) -> float:
    async with aiohttp.ClientSession() as session:
        for _ in range(20):
            async with session.post(url, data={"chat_id": "1", "text": "Hej"}) as answer:
                await answer.json()
        cpu = time.thread_time()
        for _ in range(calls):
            async with session.post(url, data={"chat_id": "1", "text": "Hej"}) as answer:
                await answer.json()
        return (time.thread_time() - cpu) / calls


async def run(args: argparse.Namespace) -> None:
    api = FakeBotAPI().start()
    try:
        for n in range(1, args.rounds + 1):
            httpx_cpu = await cpu_per_call(api, HTTPXRequest(), args.calls)
            aiohttp_cpu = await cpu_per_call(api, AiohttpRequest(), args.calls)
            url = f"{api.base_url}{api.token}/sendMessage"
            bare_h, bare_a = await bare_httpx(url, args.calls), await bare_aiohttp(url, args.calls)
            print(
                f"round {n}: CPU per Bot API call through PTB: httpx (PTB's own) {httpx_cpu * 1e6:.0f} us, "
                f"aiohttp (bot/request.py) {aiohttp_cpu * 1e6:.0f} us, ratio {aiohttp_cpu / httpx_cpu:.2f}x; "
                f"bare POST: httpx {bare_h * 1e6:.0f} us, aiohttp {bare_a * 1e6:.0f} us, ratio {bare_a / bare_h:.2f}x",
                flush=True,
            )
    finally:
        api.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=400)
    p.add_argument("--rounds", type=int, default=3)
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
