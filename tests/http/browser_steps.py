"""What the console's browser tests (tests/http/console_*.py) do over and over: wait for a page,
click and wait for the next one, fill a form, sign in, take screenshots at a phone's and a
desktop's width. A failed wait names what it waited for and where the browser was."""
import glob
import os
import subprocess
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def step(name):
    """One line per step reached, for the C++ side to check."""
    print("STEP", name, flush=True)


def _stale(element):
    try:
        element.is_enabled()
        return False
    except Exception:
        return True


class Browser:
    """A driver (chromium_driver.start()) and where its screenshots go."""

    def __init__(self, driver, out_dir=None, seconds=30):
        self.driver = driver
        self.out_dir = out_dir
        # A form's answer (a redirect after an argon2id check) may take a while on a loaded
        # machine; no step depends on it being quick.
        self.seconds = seconds

    def wait_for(self, predicate, what, seconds=None):
        """Until predicate(driver) holds."""
        try:
            WebDriverWait(self.driver, seconds or self.seconds).until(predicate)
        except Exception:
            raise AssertionError(f"waited for {what}, at {self.driver.current_url}")

    def wait_for_url(self, suffix):
        self.wait_for(lambda d: d.current_url.endswith(suffix), f"a URL ending in {suffix}")

    def click_and_wait_page(self, element):
        """Clicks a submit button or link and waits for the next document (the old one goes
        stale), whatever its address."""
        html = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        self.wait_for(lambda d: _stale(html), "the next page")

    def fill(self, form, fields):
        """Types `fields` (name: value) into `form`'s inputs; selects choose by value."""
        for name, value in fields.items():
            element = form.find_element(By.NAME, name)
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            else:
                element.clear()
                element.send_keys(value)

    def set_value(self, field, value):
        """A date input or a paste box (`field` an element or a name): typing a tab would move
        the focus and a date input's typed format follows the locale, so the value is set as a
        paste or the date picker sets it."""
        if isinstance(field, str):
            field = self.driver.find_element(By.NAME, field)
        self.driver.execute_script("arguments[0].value = arguments[1]", field, value)

    def sign_in(self, base, username, password, lands_on="/console/"):
        """The sign-in form filled and sent; the next page's URL ends in `lands_on`."""
        self.driver.get(base + "/console/login")
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.click_and_wait_page(
            self.driver.find_element(By.CSS_SELECTOR, "main form.stack button[type=submit]"))
        if lands_on:
            self.wait_for_url(lands_on)

    def sign_out(self):
        self.click_and_wait_page(
            self.driver.find_element(By.CSS_SELECTOR, ".bar button[type=submit]"))
        self.wait_for_url("/console/login")

    def shots(self, name, heights=None, max_height=6000):
        """The current page at 390 and 1280 px wide into out_dir/console-NAME-WIDTH.png: the
        viewport `heights` tall (one per width), else the whole page up to `max_height`. A page
        that scrolls sideways fails."""
        d = self.driver
        for i, width in enumerate((390, 1280)):
            d.set_window_size(width, heights[i] if heights else 900)
            if not heights:
                height = d.execute_script("return document.documentElement.scrollHeight")
                d.set_window_size(width, min(height, max_height))
            # The window's outer size includes no chrome in headless mode; check the viewport.
            inner = d.execute_script(
                "return [window.innerWidth, document.documentElement.scrollWidth]")
            if inner[1] > inner[0]:
                raise SystemExit(f"{name} at {width}px scrolls sideways: {inner}")
            d.save_screenshot(f"{self.out_dir}/console-{name}-{width}.png")


# ---- the cooperative's pages ----

# Three households as a spreadsheet puts them on the clipboard: tabs between cells, CRLF after
# rows, a header row.
SPREADSHEET_HOUSEHOLDS = (
    "户号\t公斤\t脱贫户\r\nH-0101\t60.5\t是\r\nH-0102\t30\t否\r\nH-0103\t9.5\t是\r\n")


def fill_lot(b, product_text, units, harvested, packed, cert=None,
             paste=SPREADSHEET_HOUSEHOLDS):
    """The lot form (/console/lots/new) filled as a clerk does: the product by its label, the
    village found by typing part of its name (南溪村), the dates, units, a certificate ticked and
    the households pasted."""
    d = b.driver
    Select(d.find_element(By.NAME, "product_id")).select_by_visible_text(product_text)
    d.find_element(By.NAME, "origin_q").send_keys("南溪")
    b.click_and_wait_page(d.find_element(By.CSS_SELECTOR, "button[value=filter]"))
    Select(d.find_element(By.NAME, "origin")).select_by_value("469025100201")
    b.set_value("harvested", harvested)
    b.set_value("packed", packed)
    units_input = d.find_element(By.NAME, "units")
    units_input.clear()
    units_input.send_keys(units)
    if cert:
        box = d.find_element(By.CSS_SELECTOR, f"input[name=certs][value='{cert}']")
        if not box.is_selected():
            box.click()
    b.set_value("paste", paste)


def preview_button(b):
    # The visible one: the form's first (off-screen) button only makes Enter preview.
    return b.driver.find_element(By.CSS_SELECTOR, "div.btns button[value=preview]")


def mint_and_download_a4(b, lot, count, download_dir):
    """On the lot's labels page: mints `count` codes, picks the A4 sheet and downloads it; the
    downloaded PDF's path."""
    d = b.driver
    d.find_element(By.CSS_SELECTOR, f"a[href='/console/lots/{lot}/labels']").click()
    b.wait_for_url("/labels")
    d.find_element(By.NAME, "count").send_keys(str(count))
    b.click_and_wait_page(d.find_element(By.CSS_SELECTOR, "#mint button[type=submit]"))
    b.wait_for(lambda d: f"minted=1-{count}" in d.current_url, "the page after minting")
    minted = d.find_element(By.CSS_SELECTOR, "[data-minted]").get_attribute("data-minted")
    assert minted == str(count), minted
    step("minted")

    # The preview is an image from our server (the page's CSP must admit it).
    b.wait_for(lambda d: d.execute_script(
        "var i=document.getElementById('preview');return i.complete&&i.naturalWidth>0"),
        "the preview image")
    # Settings change: the inline script (allowed by its hash) updates the download form.
    Select(d.find_element(By.NAME, "format")).select_by_value("a4")
    assert d.find_element(By.ID, "p-format").get_attribute("value") == "a4", \
        "the inline script did not carry the format to the download form"
    d.find_element(By.ID, "download").click()
    pdfs = []

    def downloaded(_):
        pdfs[:] = glob.glob(os.path.join(download_dir, "*.pdf"))
        return bool(pdfs) and not glob.glob(os.path.join(download_dir, "*.crdownload"))
    b.wait_for(downloaded, "the downloaded PDF", seconds=60)
    time.sleep(0.5)
    step("downloaded " + os.path.basename(pdfs[0]))
    return pdfs[0]


def decode_first_page(pdf, workdir):
    """The URLs in the QR codes on the PDF's first page (pdftoppm at 200 dpi, then zbarimg)."""
    page_png = os.path.join(workdir, "page")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", pdf,
                    page_png], check=True)
    zbar = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                           page_png + ".png"], capture_output=True, text=True)
    urls = [line for line in zbar.stdout.splitlines() if "://" in line]
    assert urls, f"no QR code decoded: {zbar.stdout} {zbar.stderr}"
    return urls


def path_of(url):
    """/path?query of an absolute URL: the printed codes name the registry's public address,
    which the test's browser reaches at the server's loopback one."""
    return url[url.index("/", url.index("://") + 3):]
