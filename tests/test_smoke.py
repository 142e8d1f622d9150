async def test_start_shows_menu(bot):
    await bot.send("/start")
    assert "Hello, Ada!" in bot.text()
    assert "not a diagnosis" in bot.text()
    await bot.tap("Causes")
    assert "Causes" in bot.text()
    await bot.tap("Everyday")
    assert "prolonged physical activity" in bot.text()
